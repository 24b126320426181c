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
import { errorMessage } from '../errors.js'
import { writeFileAtomicSync } from '../runtime/write-file-atomic.js'

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
  compactIfOver(dir, capOf(options), appendLines(dir, entries))
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
  /** Runs the sources held that the history already had (or another source held too). */
  known: number
  /** Corrupt or torn lines skipped in the sources. */
  skipped: number
  /** Sources that could not be read (missing, a directory, no permission): their runs are not merged. */
  unreadable: UnreadableSource[]
}

export interface UnreadableSource {
  /** The source path, as given. */
  file: string
  /** The system error code (`ENOENT`, `EISDIR`, `EACCES`, ...) when there is one. */
  code?: string
  /** Why, in words. */
  reason: string
}

/**
 * Adds the runs of other `tests.jsonl` files (e.g. one per CI shard job) that this history lacks,
 * deduplicated by run id. Safe to repeat: merging the same file twice adds nothing.
 *
 * Every source that can be read is merged; one that cannot (missing, a directory, no permission) is
 * listed in `unreadable` and the others still count. The history stays in run order (`endedAt`),
 * since readers and the cap take its last lines as the newest runs: runs that all ended after the
 * newest one recorded are appended (one O_APPEND write, as a vitest run does); older ones make it
 * rewrite the file in order (temp file + rename, 0600). Both happen under `tests.jsonl.lock`, the
 * lock compaction takes; corrupt lines of the history are dropped by a rewrite, as by compaction.
 */
export function mergeTestHistory(dir: string, sources: readonly string[], options: AppendOptions): MergeResult {
  const cap = capOf(options)
  const runs: TestRunEntry[] = []
  const unreadable: UnreadableSource[] = []
  let skipped = 0
  for (const source of sources) {
    let text: string
    try {
      text = readFileSync(source, 'utf8')
    } catch (error) {
      unreadable.push(unreadableSource(source, error))
      continue
    }
    const parsed = parseLines(text)
    skipped += parsed.skipped
    runs.push(...parsed.entries)
  }
  if (runs.length === 0) return { added: 0, known: 0, skipped, unreadable }

  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = testsHistoryPath(dir)
  const lock = `${file}.lock`
  waitForLock(lock)
  const added: TestRunEntry[] = []
  let appended: number | undefined
  try {
    const before = readIfExists(file)
    const history = parseLines(before.toString('utf8')).entries
    const seen = new Set(history.map(e => e.id))
    for (const run of runs) {
      if (seen.has(run.id)) continue
      seen.add(run.id)
      added.push(run)
    }
    added.sort((a, b) => endOf(a) - endOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    if (added.length === 0) { /* nothing new */ }
    else if (history.every(e => endOf(e) <= endOf(added[0]!))) appended = appendLines(dir, added)
    else rewriteInRunOrder(file, before, [...history, ...added], cap)
  } finally {
    rmSync(lock, { force: true })
  }
  // compaction takes the lock itself
  if (appended !== undefined) compactIfOver(dir, cap, appended)
  return { added: added.length, known: runs.length - added.length, skipped, unreadable }
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

function capOf(options: AppendOptions): number {
  return Math.max(1, Math.floor(options.cap))
}

/** One O_APPEND write of whole lines (dir made 0700, file 0600); returns the file's size after it. */
function appendLines(dir: string, entries: readonly TestRunEntry[]): number {
  // private like the command history (report.dir): 0700 dirs, 0600 files, whatever the umask
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const bytes = Buffer.from(entries.map(formatHistoryLine).join(''))
  const fd = openSync(testsHistoryPath(dir), 'a', 0o600)
  try {
    writeAll(fd, bytes)
    return fstatSync(fd).size
  } finally {
    closeSync(fd)
  }
}

/** Compacts the file to `cap` lines once it holds more than 2× cap (skipped when another process holds the lock). */
function compactIfOver(dir: string, cap: number, size: number): void {
  // cheap bound first: 2× cap lines cannot fit in fewer bytes than 2× cap minimal lines
  if (size < 2 * cap * 64) return
  try {
    if (countLines(testsHistoryPath(dir)) > 2 * cap) compactTestHistory(dir, cap)
  } catch {
    // the run is recorded; compaction is retried by the next run (e.g. Windows refusing a rename)
  }
}

/** When a run ended; a line without a usable time sorts first (oldest). */
function endOf(entry: TestRunEntry): number {
  return typeof entry.endedAt === 'number' && Number.isFinite(entry.endedAt) ? entry.endedAt : 0
}

/** Stable: runs that ended at the same ms keep their order. */
function inRunOrder(entries: TestRunEntry[]): TestRunEntry[] {
  return entries.sort((a, b) => endOf(a) - endOf(b))
}

/**
 * Rewrites the history (read as `before`, under the lock) as `entries` in run order, with the cap
 * compaction applies (the newest `cap` runs once there are more than 2× cap). Runs a vitest process
 * appended since the read (appenders take no lock) go along, as in compaction.
 */
function rewriteInRunOrder(file: string, before: Buffer, entries: TestRunEntry[], cap: number): void {
  let runs = inRunOrder(entries)
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0
  if (size > before.length) {
    const ids = new Set(runs.map(e => e.id))
    const extra = parseLines(readFileSync(file).subarray(before.length).toString('utf8')).entries.filter(e => !ids.has(e.id))
    runs = inRunOrder([...runs, ...extra])
  }
  if (runs.length > 2 * cap) runs = runs.slice(-cap)
  writeFileAtomicSync(file, runs.map(formatHistoryLine).join(''), { mode: 0o600 })
}

function readIfExists(file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw error
  }
}

function unreadableSource(file: string, error: unknown): UnreadableSource {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const reason = code === 'ENOENT' ? 'no such file'
    : code === 'EISDIR' ? 'a directory, expected a tests.jsonl file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : errorMessage(error)
  return { file, ...(typeof code === 'string' && { code }), reason }
}

const STALE_LOCK_MS = 30_000

/** Takes the lock file; false when another process holds it (or it cannot be made). */
function acquireLock(lock: string): boolean {
  try {
    return tryLock(lock)
  } catch {
    return false
  }
}

/** True once taken; false while another process holds it; throws when the lock file cannot be made. */
function tryLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid} ${Date.now()}\n`, { flag: 'wx', mode: 0o600 })
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // a lock left by a crashed process is taken over after 30 s
      let age: number
      try {
        age = Date.now() - statSync(lock).mtimeMs
      } catch {
        continue // released meanwhile
      }
      if (age < STALE_LOCK_MS) return false
      rmSync(lock, { force: true })
    }
  }
  return false
}

/**
 * Waits for the lock: compaction holds it for one rewrite, and a lock left by a crashed process
 * turns stale (taken over) after 30 s, so the wait ends.
 */
function waitForLock(lock: string): void {
  const deadline = Date.now() + STALE_LOCK_MS + 5_000
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  while (!tryLock(lock)) {
    if (Date.now() > deadline) throw new Error(`${lock} is held by another process: nothing was merged; run again once it is gone`)
    Atomics.wait(sleeper, 0, 0, 20)
  }
}
