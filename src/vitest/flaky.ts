/**
 * Flaky tests: a test whose result changes while the code does not. Two signals:
 * - within a run: it failed, then passed on a retry;
 * - across runs: its result flips between runs of the same code (same commit, and for a dirty
 *   working tree the same uncommitted changes).
 * A suite whose `beforeAll`/`afterAll` hook fails in some runs (vitest then skips its tests, so no
 * test flips) counts as a test of its own, and so does a file whose import fails: failed in the
 * runs where it failed, passed in the others.
 *
 * Flip rate = state changes / transitions over the test's attempts, in order, within each run and
 * across consecutive runs of the same code. A test that passes after one retry every run on one
 * commit (fail, pass, fail, pass, ...) has a flip rate of 1; a test that always fails has 0.
 */
import { uniqueTestNames, type TestRunEntry } from './history-lines.js'

export interface FlakyTest {
  /** POSIX path relative to the vitest root. */
  file: string
  /** Full name: suites and test joined with ' > '. */
  name: string
  project?: string
  /** flips / transitions, 0..1. */
  flipRate: number
  flips: number
  transitions: number
  /** Runs in which it failed, then passed on a retry. */
  retried: number
  /** Runs in which it ran (passed or failed). */
  runs: number
  /** ms since epoch: the end of the last run in which it flipped. */
  lastFlakyAt: number
  /** The commit of that run, if known. */
  commit?: string
  /**
   * Not a test: a suite whose `beforeAll`/`afterAll` hook failed in some runs (`name` = its full
   * name), or the file itself (`name` = ''): its import or top-level hook failed, its worker crashed
   * or an unhandled error came from it.
   */
  suite?: true
}

export interface FindFlakyOptions {
  /** Only tests with at least this flip rate. @default 0 (any flip) */
  minFlipRate?: number
}

/** Flaky tests over the given runs (oldest first), most flaky first; ties by file, then name. */
export function findFlaky(entries: readonly TestRunEntry[], options: FindFlakyOptions = {}): FlakyTest[] {
  const minFlipRate = options.minFlipRate ?? 0
  const stats = new Map<string, Stats>()
  const ordered = [...entries].sort((a, b) => a.endedAt - b.endedAt)
  const failing = suitesThatFailed(ordered)
  for (const entry of ordered) {
    const code = codeKey(entry)
    for (const file of entry.files) {
      if (file.state === 'skipped') continue
      const fileKey = `${file.project ?? ''}\0${file.path}`
      const id = { file: file.path, ...(file.project && { project: file.project }) }
      const names = uniqueTestNames(file.tests)
      for (const [i, [, , state, retries]] of file.tests.entries()) {
        if (state !== 'p' && state !== 'f') continue
        observe(stats, `${fileKey}\0${names[i]!}`, { ...id, name: names[i]! }, state, retries, entry, code)
      }
      // a suite whose hook failed in some run: failed in the runs it failed, passed in the others
      // (its tests are skipped when it fails, so they show no flip); '' = the file's import
      const failed = file.failedSuites ?? []
      for (const suite of failing.get(fileKey) ?? []) {
        if (suite !== '' && failed.includes('')) continue // the file did not load: the suite never ran
        observe(stats, `${fileKey}\0\0${suite}`, { ...id, name: suite, suite: true }, failed.includes(suite) ? 'f' : 'p', 0, entry, code)
      }
    }
  }
  const result: FlakyTest[] = []
  for (const { last: _last, ...s } of stats.values()) {
    if (s.flips === 0) continue
    s.flipRate = Math.round((s.flips / s.transitions) * 1000) / 1000
    if (s.flipRate >= minFlipRate) result.push(s)
  }
  return result.sort((a, b) =>
    b.flipRate - a.flipRate || b.flips - a.flips || cmp(a.file, b.file) || cmp(a.name, b.name) || cmp(a.project ?? '', b.project ?? ''))
}

// --- internal ---

type Stats = FlakyTest & { last: Map<string, 'p' | 'f'> }

/** One attempt series of a test (or suite) in one run: `retries` failures, then the final state. */
function observe(stats: Map<string, Stats>, key: string, id: { file: string; name: string; project?: string; suite?: true },
  state: 'p' | 'f', retries: number, entry: TestRunEntry, code: string | undefined): void {
  let s = stats.get(key)
  if (!s) {
    s = { ...id, flipRate: 0, flips: 0, transitions: 0, retried: 0, runs: 0, lastFlakyAt: 0, last: new Map() }
    stats.set(key, s)
  }
  s.runs++
  const first = retries > 0 ? 'f' : state
  let flipped = false
  if (retries > 0) {
    s.transitions += retries
    if (state === 'p') {
      s.flips++
      s.retried++
      flipped = true
    }
  }
  if (code !== undefined) {
    const previous = s.last.get(code)
    if (previous !== undefined) {
      s.transitions++
      if (previous !== first) {
        s.flips++
        flipped = true
      }
    }
    s.last.set(code, state)
  }
  if (flipped) {
    s.lastFlakyAt = entry.endedAt
    if (entry.commit) s.commit = entry.commit
    else delete s.commit
  }
}

/** Per file (`project\0path`): the suites that failed outside their tests in any of the runs. */
function suitesThatFailed(entries: readonly TestRunEntry[]): Map<string, Set<string>> {
  const failing = new Map<string, Set<string>>()
  for (const entry of entries) {
    for (const file of entry.files) {
      if (!file.failedSuites || file.failedSuites.length === 0) continue
      const key = `${file.project ?? ''}\0${file.path}`
      const set = failing.get(key) ?? new Set<string>()
      for (const suite of file.failedSuites) set.add(suite)
      failing.set(key, set)
    }
  }
  return failing
}

/** Same code: same commit and, for a dirty tree, the same changes. Unknown → no cross-run comparison. */
function codeKey(entry: TestRunEntry): string | undefined {
  if (!entry.commit) return undefined
  if (!entry.dirty) return entry.commit
  return `${entry.commit}:${entry.tree ?? entry.id}`
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
