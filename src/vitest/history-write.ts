/**
 * Writing tests.jsonl: each vitest run appends its line with O_APPEND in a single write, so parallel
 * vitest processes and CI jobs sharing the directory never interleave bytes, and takes no lock. The
 * file is compacted down to `cap` lines (temp file + rename) under `tests.jsonl.lock` only once it
 * holds more than 2× cap, so most runs never rewrite it. An append that a rewrite may have missed
 * (its lock there, or the file replaced since the append's open) checks, once the rewrite is over,
 * that its lines are in the file, and appends those that are not.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { basename } from 'node:path'
import { tryLockFile, waitForLockFile } from '../runtime/lock-file.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { APPEND_NO_FOLLOW, endsTorn, removeLeftoverTempFiles } from '../runtime/write-file-atomic.js'
import { formatHistoryLine, parseHistoryLines, testsHistoryPath, type TestRunEntry } from './history-lines.js'
import { READ_NO_BLOCK, readRegularFileSync } from '../runtime/read-regular-file.js'

/** A lock on tests.jsonl older than this (ms) was left by a crashed process and is taken over. */
export const TESTS_LOCK_STALE_MS = 30_000

export interface AppendOptions {
  /** Runs kept (`report.history`). The file is compacted to this many lines when it exceeds 2× this. */
  cap: number
}

/** The lock compaction and merging take (appenders take none). */
export function testsHistoryLockPath(dir: string): string {
  return `${testsHistoryPath(dir)}.lock`
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

/**
 * Rewrites the file with its last `cap` valid lines (temp file + rename), under `tests.jsonl.lock`.
 * Lines appended while compacting are carried over; returns false when another process holds the lock.
 */
export function compactTestHistory(dir: string, cap: number): boolean {
  let release
  try {
    release = tryLockFile(testsHistoryLockPath(dir), TESTS_LOCK_STALE_MS)
  } catch {
    return false // the lock file cannot be made: compaction waits for a run that can
  }
  if (!release) return false
  const file = testsHistoryPath(dir)
  // writeFileAtomicSync's form of name (`<file>.<pid>.<tag>.<n>.tmp`): removeLeftoverTempFiles knows it
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.0.tmp`
  try {
    const before = readRegularFileSync(file)
    let kept = parseHistoryLines(before.toString('utf8')).entries.slice(-cap)
    writeFileSync(tmp, kept.map(formatHistoryLine).join(''), { mode: 0o600 })
    // a run appended since the read goes along (the window left is the rename itself)
    const extra = appendedSince(file, before)
    if (extra.length > 0) {
      kept = [...kept, ...extra].slice(-cap)
      writeFileSync(tmp, kept.map(formatHistoryLine).join(''), { mode: 0o600 })
    }
    renameSync(tmp, file)
    // the temp file of a compaction killed before its rename (SIGKILL, a CI timeout) stayed for good
    removeLeftoverTempFiles(dir, name => name === basename(file))
    return true
  } finally {
    rmSync(tmp, { force: true })
    release()
  }
}

/**
 * The runs appended to `file` since it was read as `before`: appenders take no lock, so a rewrite
 * under the lock carries them over.
 */
export function appendedSince(file: string, before: Uint8Array): TestRunEntry[] {
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0
  if (size <= before.length) return []
  return parseHistoryLines(readRegularFileSync(file).subarray(before.length).toString('utf8')).entries
}

/** `cap` of AppendOptions as a count of runs: at least 1. */
export function capOf(options: AppendOptions): number {
  return Math.max(1, Math.floor(options.cap))
}

/**
 * One O_APPEND write of whole lines (dir made 0700, file 0600); returns the file's size after it.
 * `lockHeld`: the caller holds `tests.jsonl.lock` (a merge): no rewrite can race this write.
 */
export function appendLines(dir: string, entries: readonly TestRunEntry[], lockHeld = false): number {
  // private like the command history (report.dir): 0700 dirs, 0600 files, whatever the umask
  makeDirSync(dir, 0o700)
  const file = testsHistoryPath(dir)
  const lines = entries.map(formatHistoryLine)
  // a last line a killed process left without its newline: this run's line starts on a line of its
  // own (appended to the torn one, both were skipped on read: this run was lost too)
  const torn = endsTorn(file)
  const fd = openSync(file, APPEND_NO_FOLLOW, 0o600)
  let written: { ino: number; size: number }
  try {
    writeAll(fd, Buffer.from(torn ? `\n${lines.join('')}` : lines.join('')))
    written = fstatSync(fd)
  } finally {
    closeSync(fd)
  }
  if (!lockHeld && rewriteRaced(dir, written.ino)) return carryOver(dir, lines)
  return written.size
}

/**
 * Whether a rewrite (compaction, a merge: temp file + rename under the lock) may have missed a
 * write into the file of inode `ino`: one is under way (its lock is there), or the file was replaced
 * since this process opened it. The rewrite carries over the lines appended before its last read
 * only, and a line written between that read and its rename went with the old file (lost: 3
 * appending processes against a rewriting one lost dozens of 450 runs).
 */
function rewriteRaced(dir: string, ino: number): boolean {
  try {
    if (statSync(testsHistoryLockPath(dir), { throwIfNoEntry: false })) return true
    return statSync(testsHistoryPath(dir), { throwIfNoEntry: false })?.ino !== ino
  } catch {
    return true
  }
}

/**
 * Once the rewrite is over (its lock taken: none can start meanwhile), appends the lines it left
 * out; a line it carried over is not written twice. Returns the file's size.
 */
function carryOver(dir: string, lines: readonly string[]): number {
  let release
  // a rewrite holds the lock for one write and a rename: 5 s is for a loaded machine; past it (a
  // holder another machine's, stopped) the lines are checked and appended unlocked all the same
  try { release = waitForLockFile(testsHistoryLockPath(dir), { staleMs: TESTS_LOCK_STALE_MS, timeoutMs: 5_000, pollMs: 10 }) } catch { /* no lock can be made: unlocked */ }
  try {
    const file = testsHistoryPath(dir)
    let text = ''
    try { text = readRegularFileSync(file, 'utf8') } catch { /* gone: every line is missing */ }
    const missing = lines.filter(line => !(text.startsWith(line) || text.includes(`\n${line}`)))
    if (missing.length === 0) return Buffer.byteLength(text)
    const fd = openSync(file, APPEND_NO_FOLLOW, 0o600)
    try {
      writeAll(fd, Buffer.from(endsTorn(file) ? `\n${missing.join('')}` : missing.join('')))
      return fstatSync(fd).size
    } finally {
      closeSync(fd)
    }
  } finally {
    release?.()
  }
}

/** Compacts the file to `cap` lines once it holds more than 2× cap (skipped when another process holds the lock). */
export function compactIfOver(dir: string, cap: number, size: number): void {
  // cheap bound first: 2× cap lines cannot fit in fewer bytes than 2× cap minimal lines
  if (size < 2 * cap * 64) return
  try {
    if (countLines(testsHistoryPath(dir)) > 2 * cap) compactTestHistory(dir, cap)
  } catch {
    // the run is recorded; compaction is retried by the next run (e.g. Windows refusing a rename)
  }
}


function writeAll(fd: number, bytes: Buffer): void {
  // one write() for the whole line; the loop only runs if the kernel took part of it
  let offset = 0
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
}

function countLines(file: string): number {
  const fd = openSync(file, READ_NO_BLOCK)
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
