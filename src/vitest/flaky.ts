/**
 * Flaky tests: a test whose result changes while the code does not. Two signals:
 * - within a run: it failed, then passed on a retry;
 * - across runs: its result flips between runs of the same code (same commit, and for a dirty
 *   working tree the same uncommitted changes).
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
}

export interface FindFlakyOptions {
  /** Only tests with at least this flip rate. @default 0 (any flip) */
  minFlipRate?: number
}

/** Flaky tests over the given runs (oldest first), most flaky first; ties by file, then name. */
export function findFlaky(entries: readonly TestRunEntry[], options: FindFlakyOptions = {}): FlakyTest[] {
  const minFlipRate = options.minFlipRate ?? 0
  const stats = new Map<string, FlakyTest & { last: Map<string, 'p' | 'f'> }>()
  for (const entry of [...entries].sort((a, b) => a.endedAt - b.endedAt)) {
    const code = codeKey(entry)
    for (const file of entry.files) {
      const names = uniqueTestNames(file.tests)
      for (const [i, [, , state, retries]] of file.tests.entries()) {
        if (state !== 'p' && state !== 'f') continue
        const name = names[i]!
        const key = `${file.project ?? ''}\0${file.path}\0${name}`
        let s = stats.get(key)
        if (!s) {
          s = { file: file.path, name, ...(file.project && { project: file.project }), flipRate: 0, flips: 0, transitions: 0, retried: 0, runs: 0, lastFlakyAt: 0, last: new Map() }
          stats.set(key, s)
        }
        s.runs++
        // attempts of this run: `retries` failures, then the final state
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

/** Same code: same commit and, for a dirty tree, the same changes. Unknown → no cross-run comparison. */
function codeKey(entry: TestRunEntry): string | undefined {
  if (!entry.commit) return undefined
  if (!entry.dirty) return entry.commit
  return `${entry.commit}:${entry.tree ?? entry.id}`
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
