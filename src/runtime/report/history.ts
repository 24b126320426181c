/**
 * history.jsonl: JSON Lines, one run per line, appended when a process closes; reads see the last
 * `report.history` runs. A torn line, garbage or two writes run together fail JSON.parse or the
 * shape check and are skipped on read. Appends and the cap's rewrite happen under a lock file
 * (lock-file.ts, stale after 10 s), so processes exiting at once never lose a line; the wait is
 * synchronous (exit handler), 5 s at most, and a line appended without the lock then is carried
 * over by a rewrite paused meanwhile (rewriteCapped). The file is rewritten to the last `history` lines only when it holds
 * half as many again (at least 10 more): one rewrite every ~history/2 runs instead of a read and a
 * rewrite on every exit. Lines of earlier versions (`<length base 36> <json>`, `<hash16> <json>`) are
 * read, and made plain by that rewrite. Each append updates history-summary.bin under the same lock
 * (history-summary-write.ts): what the exit path judges by, without parsing this file.
 */
import { chmodSync, closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { PerfReport } from '../types.js'
import { gitEntriesAbove } from '../project.js'
import { waitForLockFile } from '../lock-file.js'
import { makeDirSync } from '../make-dir.js'
import { APPEND_NO_FOLLOW, endsTorn } from '../write-file-atomic.js'
import type { HistoryStat, Summary } from './history-summary.js'
import { updateSummary } from './history-summary-write.js'
import { lookupsOf } from '../cache/hit-rate.js'
import { openRegularFileSync } from '../read-regular-file.js'
import { rewriteCapped } from './history-rewrite.js'

// lines parsed, the history read whole (`unperf report`, the CLI; the exit path only when history-summary.bin cannot stand for it)
export { lineJson, parseLines, parseRun, readHistory, readHistoryFile } from './history-read.js'

export interface HistoryEntry {
  v: 1
  /** ISO time the run ended. */
  time: string
  runId: string
  pid: number
  name: string
  version: string
  env: string
  /** Commit of the project (cwd) when `.git/HEAD` could be read cheaply. */
  git?: string
  exitCode?: number
  /** ms, process start → first command */
  startup?: number
  /** `error`: what a failed run ended with (its message cut to HISTORY_ERROR_CHARS) */
  commands: { name: string; duration: number; memoryPeak: number; status: 'ok' | 'error'; error?: { name: string; message: string } }[]
  cache: { hitRate: number; lookups: number }
  peakRss: number
  budgetsFailed: string[]
}

export const HISTORY_FILE = 'history.jsonl'
/** A failed command's error message in a history line: cut to this many characters (report.json has it whole). */
export const HISTORY_ERROR_CHARS = 200
export const LOCK_STALE_MS = 10_000

export function historyEntry(report: PerfReport, cwd?: string): HistoryEntry {
  const git = cwd ? gitSha(cwd) : undefined
  return {
    v: 1,
    time: report.endedAt,
    runId: `${process.pid.toString(36)}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
    pid: report.pid,
    name: report.name,
    version: report.version,
    env: report.env,
    ...(git && { git }),
    ...(report.exitCode !== undefined && { exitCode: report.exitCode }),
    ...(report.commands.length > 0 && { startup: report.startup.total }),
    commands: report.commands.map(c => ({
      name: c.name, duration: c.duration, memoryPeak: c.memoryPeak, status: c.status,
      ...(c.error && { error: { name: c.error.name, message: c.error.message.length > HISTORY_ERROR_CHARS ? `${c.error.message.slice(0, HISTORY_ERROR_CHARS - 1)}…` : c.error.message } }),
    })),
    cache: { hitRate: report.cache.hitRate, lookups: lookupsOf(report.cache) },
    peakRss: report.memory.peakRss,
    budgetsFailed: report.budgets.filter(b => b.status === 'fail').map(b => b.budget),
  }
}

/** One line of JSON Lines: `<json>\n`. */
export function encodeLine(entry: HistoryEntry): string {
  return `${JSON.stringify(entry)}\n`
}

/**
 * A run the exit path can judge with: what budgets.ts and history-tail.ts read is there and of its
 * type (a line of history.jsonl, an entry of report.historyDriver). `unperf report`/`budget` read
 * more loosely (`loose`) and name each run they leave out (cli/history-check.ts).
 */
export function isRun(e: HistoryEntry, loose?: boolean): boolean {
  if (e?.v !== 1 || !Array.isArray(e.commands)) return false
  if (loose) return true
  if (typeof e.time !== 'string' || typeof e.runId !== 'string') return false
  // `c?.name` of a number or a string is undefined too; a duration the p95 budgets and the regression
  // check count: finite and not negative (JSON's 1e999 parses as Infinity: every later run breached)
  // (an indexed loop: run per line on every exit, in code that never warms up, for...of allocated)
  const commands = e.commands
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]
    if (typeof c?.name !== 'string' || typeof c.duration !== 'number' || !(c.duration >= 0 && c.duration < Infinity) || (c.status !== 'ok' && c.status !== 'error')) return false
  }
  return true
}

/** What readHistoryFile saw of the file, for the append that follows it. */
export interface HistoryFileState {
  /** Newline-terminated lines in the file (readNewestHistory: estimated from the tail when it read only that). */
  lines: number
  /** The file was there (then so is report.dir). */
  found: boolean
  /** The file ends without a newline: a line cut short (a full disk, a truncation). */
  torn: boolean
  /** The exit path judged from history-summary.bin: this one, made from the file as read (its append extends it). */
  summary?: Summary
}

/** Lines the file may hold before it is rewritten to the last `cap`. */
function rewriteAbove(cap: number): number {
  return cap <= 0 ? 0 : cap + Math.max(10, Math.ceil(cap / 2))
}

/**
 * Appends one run and applies the cap, under the lock. Synchronous: safe in an exit handler.
 * `before` (from readHistoryFile) spares re-reading the file when it is far from the cap; a
 * caller that passes it has made report.dir already. A line cut short at the end of the file is
 * ended first: appended to, it made the new run's line unreadable as well, so that run was lost.
 */
export function appendHistory(config: ResolvedPerfConfig, entry: HistoryEntry, before?: Pick<HistoryFileState, 'lines' | 'torn' | 'summary'>): string {
  const dir = config.report.dir
  const linesBefore = before?.lines
  if (linesBefore === undefined) makeDirSync(dir, 0o700)
  const file = join(dir, HISTORY_FILE)
  const cap = config.report.history
  const limit = rewriteAbove(cap)
  // waiting is bounded: after 5 s the line is appended without the lock rather than lose the run
  const lock = waitForLockFile(`${file}.lock`, { staleMs: LOCK_STALE_MS, timeoutMs: 5_000, pollMs: 5 })
  try {
    // known from readHistoryFile's read, else its last byte (not the exit path)
    const torn = before ? before.torn : endsTorn(file)
    const seen = appendLine(file, torn ? `\n${encodeLine(entry)}` : encodeLine(entry))
    let lines: number | undefined
    let rewritten = false
    // other processes may have appended since linesBefore was read: a margin keeps the estimate safe
    if (linesBefore === undefined || linesBefore + 1 + 8 > limit) {
      // read through a descriptor kept open: what is appended to this file while the rewrite runs is
      // read from it after the copy and after the rename (rewriteCapped)
      const fd = openRegularFileSync(file)
      try {
        const read = readFileSync(fd)
        // counted in the bytes (a newline byte is never inside a longer UTF-8 sequence), decoded only
        // to be rewritten: near its cap (the tail's estimate within 9 lines of it) every exit counted
        // the whole file as a string, ≈ 50 kB of young generation for a `history: 100` file
        let count = 0
        for (let i = read.indexOf(10); i !== -1; i = read.indexOf(10, i + 1)) count++
        if (count > limit) {
          rewriteCapped(dir, file, fd, read, cap)
          rewritten = true
        } else if (read.length === seen.after.size) lines = count
      } finally {
        closeSync(fd)
      }
      try { chmodSync(file, 0o600) } catch { /* not ours */ }
    }
    // only under the lock: a process without it may be writing the summary of another file
    if (lock) updateSummary(dir, file, cap, entry, { base: before?.summary, ...seen, lines, rewritten })
  } finally {
    lock?.()
  }
  return file
}

/** Appends `text` to `file` (never through a symlink; a new file 0600), and the file as it was before and after. */
function appendLine(file: string, text: string): { before: HistoryStat; after: HistoryStat; bytes: number } {
  const fd = openSync(file, APPEND_NO_FOLLOW, 0o600)
  try {
    const before = fstatSync(fd)
    const bytes = Buffer.from(text)
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
    return { before, after: fstatSync(fd), bytes: bytes.length }
  } finally {
    closeSync(fd)
  }
}

/** The commit at HEAD from `.git` files alone (no child process); undefined when not cheap to know. */
export function gitSha(cwd: string): string | undefined {
  try {
    for (const git of gitEntriesAbove(cwd)) {
      if (git.isFile) return undefined // a worktree's .git file: not cheap
      const head = readFileSync(join(git.path, 'HEAD'), 'utf8').trim()
      if (/^[0-9a-f]{40}$/.test(head)) return head
      const ref = /^ref: (.+)$/.exec(head)?.[1]
      if (!ref) return undefined
      try { return readFileSync(join(git.path, ref), 'utf8').trim() } catch { /* packed */ }
      const packed = readFileSync(join(git.path, 'packed-refs'), 'utf8')
      for (const line of packed.split('\n')) if (line.endsWith(` ${ref}`) && /^[0-9a-f]{40} /.test(line)) return line.slice(0, 40)
      return undefined
    }
  } catch { /* unreadable */ }
  return undefined
}
