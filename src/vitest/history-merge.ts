/**
 * Merging other tests.jsonl files (one per CI shard job, say) into a history: `unperf tests merge`.
 */
import { readFileSync } from 'node:fs'
import { dirUnsafeSync } from '../drivers/fs-safety.js'
import { explainUnwritable } from '../drivers/fs-unwritable.js'
import { PerfError, whyUnreadable } from '../errors.js'
import { waitForLockFile } from '../runtime/lock-file.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { writeFileAtomicSync } from '../runtime/write-file-atomic.js'
import { formatHistoryLine, parseHistoryLines, testsHistoryPath, type TestRunEntry } from './history-lines.js'
import { appendedSince, appendLines, capOf, compactIfOver, TESTS_LOCK_STALE_MS, testsHistoryLockPath, type AppendOptions } from './history-write.js'
import { readRegularFileSync } from '../runtime/read-regular-file.js'

export interface MergeOptions extends AppendOptions {
  /**
   * The dirs whose safety decides whether the history is read and written (fs-safety.ts
   * dirUnsafeSync), as for the reporter's own writes: `dir` and, for the default report dir, its
   * parents up to the cache root (project.ts reportDirs). @default [dir]
   */
  checkDirs?: readonly string[] | undefined
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
 *
 * A history dir someone else could write to (owned by another user, or writable by group or others
 * without the sticky bit; `checkDirs`) is refused as the reporter and the run's report refuse it:
 * throws `E_REPORT_DIR_UNSAFE`, nothing merged. `dir` itself, when this user's and only its mode is
 * open, is made 0700 instead.
 */
export function mergeTestHistory(dir: string, sources: readonly string[], options: MergeOptions): MergeResult {
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
    const parsed = parseHistoryLines(text)
    skipped += parsed.skipped
    runs.push(...parsed.entries)
  }
  if (runs.length === 0) return { added: 0, known: 0, skipped, unreadable }

  // never into (nor from) a dir someone else could write to: their lines would be merged with ours
  // and trusted by `unperf tests` and `unperf shard`, or a planted lock/temp name followed
  const unsafe = dirUnsafeSync(options.checkDirs ?? [dir], true)
  if (unsafe) throw new PerfError('E_REPORT_DIR_UNSAFE', `refusing the test history dir ${unsafe}: nothing was merged; fix it (chown/chmod 700) or use another dir (report.dir, --dir)`)
  try {
    makeDirSync(dir, 0o700)
  } catch (error) {
    // a read-only fs, one that takes no new dirs (/sys, /proc) or a dir not ours: said as what it is
    throw explainUnwritable(error, dir)
  }
  const file = testsHistoryPath(dir)
  const lock = testsHistoryLockPath(dir)
  // compaction holds it for one rewrite, and a lock left by a crashed process turns stale (taken
  // over) after 30 s, so the wait ends unless a live process keeps it
  const release = waitForLockFile(lock, { staleMs: TESTS_LOCK_STALE_MS, timeoutMs: TESTS_LOCK_STALE_MS + 5_000, pollMs: 20 })
  if (!release) throw new PerfError('E_LOCKED', `${lock} is held by another process: nothing was merged; run again once it is gone`)
  const added: TestRunEntry[] = []
  let appended: number | undefined
  try {
    const before = readIfExists(file)
    const history = parseHistoryLines(before.toString('utf8')).entries
    const seen = new Set(history.map(e => e.id))
    for (const run of runs) {
      if (seen.has(run.id)) continue
      seen.add(run.id)
      added.push(run)
    }
    added.sort((a, b) => endOf(a) - endOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    if (added.length > 0) {
      if (history.every(e => endOf(e) <= endOf(added[0]!))) appended = appendLines(dir, added, true)
      else rewriteInRunOrder(file, before, [...history, ...added], cap)
    }
  } finally {
    release()
  }
  // compaction takes the lock itself
  if (appended !== undefined) compactIfOver(dir, cap, appended)
  return { added: added.length, known: runs.length - added.length, skipped, unreadable }
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
  const ids = new Set(runs.map(e => e.id))
  const extra = appendedSince(file, before).filter(e => !ids.has(e.id))
  if (extra.length > 0) runs = inRunOrder([...runs, ...extra])
  if (runs.length > 2 * cap) runs = runs.slice(-cap)
  writeFileAtomicSync(file, runs.map(formatHistoryLine).join(''), { mode: 0o600 })
}

function readIfExists(file: string): Buffer {
  try {
    return readRegularFileSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw error
  }
}

function unreadableSource(file: string, error: unknown): UnreadableSource {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return { file, ...(typeof code === 'string' && { code }), reason: whyUnreadable(error, 'tests.jsonl') }
}
