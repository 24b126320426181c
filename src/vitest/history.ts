/**
 * Test-run history: `tests.jsonl` beside the run history in `report.dir`.
 *
 * One line per vitest run: `<hash16>\t<json>\n`, appended with O_APPEND in a single write, so
 * parallel vitest processes and CI jobs sharing the directory never interleave bytes. The hash
 * prefix makes each line self-validating: a torn or corrupt line is skipped on read (cacache's
 * entry-index idea). Readers use the last `cap` valid lines; the file is compacted down to `cap`
 * lines under a lock file only once it holds more than 2× cap, so most runs never rewrite it.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs'
import { join } from 'node:path'

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
}

/** Include/exclude globs of a vitest project, so `unperf shard` finds files not yet in history. */
export interface TestProjectPatterns {
  name?: string
  /** Directory the globs apply to, POSIX, relative to the vitest root ('' = the root). */
  dir: string
  include: string[]
  exclude: string[]
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
  /** vitest's own `--shard`, e.g. '1/4'. */
  shard?: string
  result: 'passed' | 'failed'
  /** Only some tests of the files ran (`-t`, `file.ts:12`): file durations of this run are not used. */
  partial?: boolean
  vitest?: string
  projects?: TestProjectPatterns[]
  files: TestFileRecord[]
}

export const TESTS_HISTORY_FILE = 'tests.jsonl'

export function testsHistoryPath(dir: string): string {
  return join(dir, TESTS_HISTORY_FILE)
}

export function newRunId(): string {
  return randomBytes(8).toString('hex')
}

/** Serializes an entry as one self-validating line. */
export function formatHistoryLine(entry: TestRunEntry): string {
  const json = JSON.stringify(entry)
  return `${lineHash(json)}\t${json}\n`
}

/** Parses one line; undefined when torn, corrupt or of an unknown version. */
export function parseHistoryLine(line: string): TestRunEntry | undefined {
  const tab = line.indexOf('\t')
  if (tab !== 16) return undefined
  const json = line.slice(17)
  if (lineHash(json) !== line.slice(0, 16)) return undefined
  try {
    const entry = JSON.parse(json) as TestRunEntry
    return entry && entry.v === 1 && Array.isArray(entry.files) ? entry : undefined
  } catch {
    return undefined
  }
}

export interface AppendOptions {
  /** Runs kept (`report.history`). The file is compacted to this many lines when it exceeds 2× this. */
  cap: number
}

/**
 * Appends one run in a single O_APPEND write, then compacts the file when it holds more than
 * 2× cap lines (under a lock file; skipped when another process holds the lock).
 */
export function appendTestRun(dir: string, entry: TestRunEntry, options: AppendOptions): void {
  appendTestRuns(dir, [entry], options)
}

/** Appends several runs in one O_APPEND write (see {@link appendTestRun}). */
export function appendTestRuns(dir: string, entries: readonly TestRunEntry[], options: AppendOptions): void {
  if (entries.length === 0) return
  // private like the command history (report.dir): 0700 dirs, 0600 files, whatever the umask
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = testsHistoryPath(dir)
  const bytes = Buffer.from(entries.map(formatHistoryLine).join(''))
  const fd = openSync(file, 'a', 0o600)
  let size: number
  try {
    writeAll(fd, bytes)
    size = fstatSync(fd).size
  } finally {
    closeSync(fd)
  }
  const cap = Math.max(1, Math.floor(options.cap))
  // cheap bound first: 2× cap lines cannot fit in fewer bytes than 2× cap minimal lines
  if (size < 2 * cap * 64) return
  try {
    if (countLines(file) > 2 * cap) compactTestHistory(dir, cap)
  } catch {
    // the run is recorded; compaction is retried by the next run (e.g. Windows refusing a rename)
  }
}

export interface ReadHistoryResult {
  /** Valid entries, oldest first, at most `limit`. */
  entries: TestRunEntry[]
  /** Lines that failed their hash check or did not parse (torn writes, manual edits). */
  skipped: number
}

/** Reads the last `limit` valid runs (all when omitted). A missing file is an empty history. */
export function readTestHistory(dir: string, limit?: number): ReadHistoryResult {
  let text: string
  try {
    text = readFileSync(testsHistoryPath(dir), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0 }
    throw error
  }
  const { entries, skipped } = parseLines(text)
  return { entries: limit !== undefined && entries.length > limit ? entries.slice(-limit) : entries, skipped }
}

export interface MergeResult {
  /** Runs added (not already in the history, by id). */
  added: number
  /** Runs the sources held that the history already had. */
  known: number
  /** Corrupt or torn lines skipped in the sources. */
  skipped: number
}

/**
 * Adds the runs of other `tests.jsonl` files (e.g. one per CI shard job) that this history lacks,
 * oldest first, deduplicated by run id. Safe to repeat: merging the same file twice adds nothing.
 */
export function mergeTestHistory(dir: string, sources: readonly string[], options: AppendOptions): MergeResult {
  const seen = new Set(readTestHistory(dir).entries.map(e => e.id))
  const added: TestRunEntry[] = []
  let known = 0
  let skipped = 0
  for (const source of sources) {
    const parsed = parseLines(readFileSync(source, 'utf8'))
    skipped += parsed.skipped
    for (const entry of parsed.entries) {
      if (seen.has(entry.id)) known++
      else {
        seen.add(entry.id)
        added.push(entry)
      }
    }
  }
  added.sort((a, b) => a.endedAt - b.endedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  appendTestRuns(dir, added, options)
  return { added: added.length, known, skipped }
}

/**
 * Rewrites the file with its last `cap` valid lines (temp file + rename), under `tests.jsonl.lock`.
 * Lines appended while compacting are carried over; returns false when another process holds the lock.
 */
export function compactTestHistory(dir: string, cap: number): boolean {
  const file = testsHistoryPath(dir)
  const lock = `${file}.lock`
  if (!acquireLock(lock)) return false
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const before = readFileSync(file)
    let kept = parseLines(before.toString('utf8')).entries.slice(-cap)
    writeFileSync(tmp, kept.map(formatHistoryLine).join(''), { mode: 0o600 })
    // a run appended since the read goes along (the window left is the rename itself)
    const grown = statSync(file).size
    if (grown > before.length) {
      const extra = readFileSync(file).subarray(before.length).toString('utf8')
      kept = [...kept, ...parseLines(extra).entries].slice(-cap)
      writeFileSync(tmp, kept.map(formatHistoryLine).join(''), { mode: 0o600 })
    }
    renameSync(tmp, file)
    return true
  } finally {
    rmSync(tmp, { force: true })
    rmSync(lock, { force: true })
  }
}

// --- internal ---

function lineHash(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16)
}

function parseLines(text: string): { entries: TestRunEntry[]; skipped: number } {
  const entries: TestRunEntry[] = []
  let skipped = 0
  for (const line of text.split('\n')) {
    if (line === '') continue
    const entry = parseHistoryLine(line)
    if (entry) entries.push(entry)
    else skipped++
  }
  return { entries, skipped }
}

function writeAll(fd: number, bytes: Buffer): void {
  // one write() for the whole line; the loop only runs if the kernel took part of it
  let offset = 0
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
}

function countLines(file: string): number {
  const fd = openSync(file, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  let lines = 0
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      let i = buf.indexOf(10)
      while (i !== -1 && i < n) {
        lines++
        i = buf.indexOf(10, i + 1)
      }
    }
  } finally {
    closeSync(fd)
  }
  return lines
}

const STALE_LOCK_MS = 30_000

function acquireLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid} ${Date.now()}\n`, { flag: 'wx', mode: 0o600 })
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false
      // a lock left by a crashed process is taken over after 30 s
      try {
        if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false
        rmSync(lock, { force: true })
      } catch {
        return false
      }
    }
  }
  return false
}
