/**
 * What tests.jsonl holds: JSON Lines, one vitest run (TestRunEntry) per line. A torn or corrupt line
 * fails JSON.parse or the shape check (history-shape.ts) and is skipped on read; two writes run
 * together hold a run's start twice and are skipped whole. Lines of earlier versions
 * (`<hash16>\t<json>`, cacache's entry-index idea) are read with their hash checked, and written
 * plain by the next rewrite (compaction, merge). Reading, writing and merging the file: history.ts,
 * history-write.ts, history-merge.ts.
 */
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { entryProblem } from './history-shape.js'

/** Final result of a test: passed, failed, skipped. */
export type TestStateCode = 'p' | 'f' | 's'

/** One test in one run: `[fullName, durationMs, state, retries]`. Compact: suites can hold thousands. */
export type TestSample = [name: string, durationMs: number, state: TestStateCode, retries: number]

export interface TestFileRecord {
  /** POSIX path relative to the vitest root, e.g. `test/cache.test.ts`. */
  path: string
  /** vitest project name, when there is more than one project. */
  project?: string
  state: 'passed' | 'failed' | 'skipped'
  /** ms this file held a worker: environment + prepare + setup files + import/collect + tests and hooks. */
  duration: number
  /** ms of `duration` spent before the first test: environment, prepare, setup files, import/collect. */
  setup: number
  tests: TestSample[]
  /**
   * Suites that failed outside their tests, by full name: a `beforeAll`/`afterAll` hook threw (vitest
   * then skips the suite's tests); `''` = the file itself (its import, a top-level hook, its worker
   * crashed, or an unhandled error came from it while its tests passed). Absent
   * when none did.
   */
  failedSuites?: string[]
  /**
   * The file never finished: its worker died under it (a native crash, a signal, out of memory)
   * and vitest reported it as an unhandled error. Recorded as failed (`failedSuites: ['']`) so a
   * file that crashes in some runs is found flaky; its duration times part of it and is not used.
   */
  crashed?: true
}

/** Include/exclude globs of a vitest project, so `unperf shard` finds files not yet in history. */
export interface TestProjectPatterns {
  name?: string
  /** Directory the globs apply to, POSIX, relative to the vitest root ('' = the root). */
  dir: string
  include: string[]
  exclude: string[]
  /**
   * vitest's `includeSource`: files holding in-source tests (`import.meta.vitest`) among those these
   * globs find. Absent when the project has none.
   */
  includeSource?: string[]
}

export interface TestRunEntry {
  v: 1
  /** Random id of this run. */
  id: string
  /** ms since epoch when the run started / ended. */
  startedAt: number
  endedAt: number
  /** Wall-clock ms of the run. */
  duration: number
  /** Git commit (CI env such as GITHUB_SHA / CI_COMMIT_SHA, else `git rev-parse HEAD`). */
  commit?: string
  /** The working tree had uncommitted changes (never set on CI). */
  dirty?: boolean
  /** Hash of the uncommitted changes when dirty: same commit + same tree = same code. */
  tree?: string
  ci?: boolean
  /**
   * The shard job this run was, e.g. '1/4': vitest's own `--shard`, or (`shardBy: 'unperf'`) the
   * files `unperf shard --total 4 --index 1` printed for it (shard-plan.ts).
   */
  shard?: string
  /** `shard` comes from the plan `unperf shard` left, not from vitest's `--shard`. */
  shardBy?: 'unperf'
  result: 'passed' | 'failed'
  /** Only some tests of the files ran (`-t`, `file.ts:12`, `it.only`, `--bail`): file durations of this run are not used. */
  partial?: boolean
  /** `--bail` stopped the run at a failure (then also `partial`, `result: 'failed'`). */
  bailed?: true
  vitest?: string
  /**
   * A `vitest --merge-reports` run: its files and tests are the shards' results replayed, with the
   * durations the shards measured (its own `duration` is the merge's). Readers leave out the files
   * a shard's own run recorded too (history-replays.ts).
   */
  merged?: true
  /**
   * A `merged` run whose blob directory lacked these shards (`['2/4']`: vitest's blob names,
   * `blob-<index>-<count>.json`, told which): it replays part of the suite, so it is also `partial`.
   */
  shardsMissing?: string[]
  projects?: TestProjectPatterns[]
  /**
   * Command line options that narrowed the files this run looked for (`--project unit`,
   * `--dir test/a`): `projects` then holds only what it looked at, not the config's globs.
   */
  narrowedBy?: string[]
  files: TestFileRecord[]
}

export const TESTS_HISTORY_FILE = 'tests.jsonl'

export function testsHistoryPath(dir: string): string {
  return join(dir, TESTS_HISTORY_FILE)
}

export function newRunId(): string {
  return randomBytes(8).toString('hex')
}

/**
 * The names of a file's tests, unique within the file: vitest lets two tests share a name (a
 * `test.each` without a placeholder, a copy-pasted test), and the readers key tests by name. The
 * second, third, ... test of a name is `name (#2)`, `name (#3)`, by its place in the file (vitest
 * records tests in the order they are defined, skipped ones included, so the place holds across runs).
 */
export function uniqueTestNames(tests: readonly TestSample[]): string[] {
  const seen = new Map<string, number>()
  return tests.map(([name]) => {
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    return count === 1 ? name : `${name} (#${count})`
  })
}

/** Serializes an entry as one line of JSON Lines. */
export function formatHistoryLine(entry: TestRunEntry): string {
  return `${JSON.stringify(entry)}\n`
}

/** Parses one line; undefined when torn, corrupt, of an unknown version or of another shape (history-shape.ts). */
export function parseHistoryLine(line: string): TestRunEntry | undefined {
  const parsed = readHistoryLine(line)
  return 'entry' in parsed ? parsed.entry : undefined
}

/** A line not read, by its 1-based line number in the file, and why. */
export interface SkippedLine { line: number; problem: string }

/**
 * The valid entries of tests.jsonl text, oldest first, how many lines were not, and which lines
 * those were (`lines`: by number, with what is wrong with each).
 */
export function parseHistoryLines(text: string): { entries: TestRunEntry[]; skipped: number; lines: SkippedLine[] } {
  const entries: TestRunEntry[] = []
  const lines: SkippedLine[] = []
  const all = text.split('\n')
  for (const [i, line] of all.entries()) {
    if (line === '') continue
    const parsed = readHistoryLine(line)
    if ('entry' in parsed) entries.push(parsed.entry)
    else lines.push({ line: i + 1, problem: parsed.problem })
  }
  return { entries, skipped: lines.length, lines }
}

function readHistoryLine(line: string): { entry: TestRunEntry } | { problem: string } {
  let json = line
  if (line.charCodeAt(0) !== 123) {
    // a line of an earlier version: `<hash16>\t<json>`
    if (line.indexOf('\t') !== 16) return { problem: 'not a line the reporter wrote (not a JSON object): written by hand, or torn' }
    json = line.slice(17)
    if (lineHash(json) !== line.slice(0, 16)) return { problem: 'its hash does not match its text: torn or edited' }
  }
  // two writes run together (a network file system): a run's start twice, never read as one run
  if (json.indexOf('{"v":1,', 1) !== -1) return { problem: 'two runs run together: torn' }
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return { problem: 'not valid JSON' }
  }
  const problem = entryProblem(value)
  return problem === undefined ? { entry: value as TestRunEntry } : { problem }
}

function lineHash(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16)
}
