/**
 * history.jsonl: JSON Lines, one run per line, appended when a process closes; reads see the last
 * `report.history` runs. A torn line, garbage or two writes run together fail JSON.parse or the
 * shape check and are skipped on read. Appends and the cap's rewrite happen under a lock file
 * (lock-file.ts, stale after 10 s), so processes exiting at once never lose a line; the wait is
 * synchronous (exit handler), 5 s at most, and a line appended without the lock then is carried
 * over by a rewrite paused meanwhile (rewriteCapped). The file is rewritten to the last `history` lines only when it holds
 * half as many again (at least 10 more): one rewrite every ~history/2 runs instead of a read and a
 * rewrite on every exit. Lines of earlier versions (`<length base 36> <json>`, `<hash16> <json>`) are
 * read, and made plain by that rewrite.
 */
import { chmodSync, closeSync, fstatSync, readFileSync, readSync } from 'node:fs'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { PerfReport } from '../types.js'
import { gitEntriesAbove } from '../project.js'
import { waitForLockFile } from '../lock-file.js'
import { makeDirSync } from '../make-dir.js'
import { APPEND_NO_FOLLOW, endsTorn, removeLeftoverTempFiles, writeFileAtomicSync, writeFileNoFollowSync } from '../write-file-atomic.js'
import { lookupsOf } from '../cache/hit-rate.js'
import { openRegularFileSync, readRegularFileSync } from '../read-regular-file.js'

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
 * The JSON of a line: the line itself (`{…}`), or, for a line of an earlier version, what follows its
 * prefix when that matches (`<length of the JSON, base 36> `, or a 16-hex-digit hash, not checked);
 * undefined for anything else.
 */
export function lineJson(line: string): string | undefined {
  if (line.charCodeAt(0) === 123) return line
  const space = line.indexOf(' ')
  if (space < 1) return undefined
  const json = line.slice(space + 1)
  return (space === 16 && /^[0-9a-f]{16} /.test(line)) || (space <= 6 && parseInt(line.slice(0, space), 36) === json.length) ? json : undefined
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

/** One line of history text (without its newline) as a run, or undefined: parseLines' rule for a line. */
export function parseRun(line: string, loose?: boolean): HistoryEntry | undefined {
  const json = lineJson(line)
  if (json === undefined || json.indexOf('{"v":1,', 1) !== -1) return undefined
  let entry: HistoryEntry
  try {
    entry = JSON.parse(json) as HistoryEntry
  } catch {
    return undefined
  }
  return isRun(entry, loose) ? entry : undefined
}

/**
 * The valid entries of history text. A line is kept when it is JSON of a run (isRun): a torn line,
 * garbage or another tool's line fails JSON.parse or the shape check and is skipped. Two lines run
 * together (writes of two processes) hold the start of a run, `{"v":1,`, twice: no JSON.stringify
 * output holds it inside (a `"` in a string is `\"`), so such a line is skipped whole, never read as
 * one run holding parts of the other. Every check is native (indexOf, JSON.parse): this runs on
 * every exit, and a per-character hash in JS cost 4-7 ms there for a full history.
 */
export function parseLines(text: string, loose?: boolean): HistoryEntry[] {
  const out: HistoryEntry[] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const entry = parseRun(text.slice(start, end), loose)
    if (entry) out.push(entry)
    start = end + 1
  }
  return out
}

/**
 * The last `report.history` runs recorded in report.dir, oldest first; optionally only those that ran
 * `command`. `loose`: also the runs of other shapes with `v: 1` and a `commands` array (the CLI's
 * readers name each of them, cli/history-check.ts).
 */
export function readHistory(config: ResolvedPerfConfig, options: { command?: string; loose?: boolean } = {}): HistoryEntry[] {
  return readHistoryFile(config, options).entries
}

/** What readHistoryFile saw of the file, for the append that follows it. */
export interface HistoryFileState {
  /** Newline-terminated lines in the file (readNewestHistory: estimated from the tail when it read only that). */
  lines: number
  /** The file was there (then so is report.dir). */
  found: boolean
  /** The file ends without a newline: a line cut short (a full disk, a truncation). */
  torn: boolean
}

/**
 * readHistory, plus how many lines the file held (so an append right after needs no second read)
 * and whether it was there (then so is report.dir: the exit path skips creating it). The exit path
 * reads only the newest runs it judges with (history-tail.ts readNewestHistory).
 */
export function readHistoryFile(config: ResolvedPerfConfig, options: { command?: string; loose?: boolean } = {}): HistoryFileState & { entries: HistoryEntry[] } {
  let text = ''
  let file: string | undefined
  try {
    file = join(config.report.dir, HISTORY_FILE)
    text = readRegularFileSync(file, 'utf8')
  } catch (error) {
    // there but unreadable as text (past what a string holds: 600 MB of NUL bytes): its last byte
    // still says whether the next line must start on a line of its own (appended to it, lost too)
    const found = file !== undefined && (error as NodeJS.ErrnoException).code !== 'ENOENT'
    return { entries: [], lines: 0, found, torn: found && endsTorn(file!) }
  }
  const torn = text.length > 0 && text.charCodeAt(text.length - 1) !== 10
  const cap = config.report.history
  let lines = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
  // only the tail can be among the last `cap` valid runs: parse from a little before it (invalid lines are skipped)
  let from = text.length
  for (let n = 0; n <= cap + 8 && from > 0; n++) from = text.lastIndexOf('\n', from - 2) + 1
  const all = cap > 0 ? parseLines(from > 0 ? text.slice(from) : text, options.loose).slice(-cap) : []
  return { entries: options.command ? all.filter(e => e.commands.some(c => c.name === options.command)) : all, lines, found: true, torn }
}

/** The files of report.dir written by writeFileAtomicSync. */
function isReportFile(name: string): boolean {
  return name === 'report.json' || name === 'trace.json' || name === HISTORY_FILE
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
export function appendHistory(config: ResolvedPerfConfig, entry: HistoryEntry, before?: Pick<HistoryFileState, 'lines' | 'torn'>): string {
  const dir = config.report.dir
  const linesBefore = before?.lines
  if (linesBefore === undefined) makeDirSync(dir, 0o700)
  const file = join(dir, HISTORY_FILE)
  const cap = config.report.history
  const limit = rewriteAbove(cap)
  // waiting is bounded: after 5 s the line is appended without the lock rather than lose the run
  const release = waitForLockFile(`${file}.lock`, { staleMs: LOCK_STALE_MS, timeoutMs: 5_000, pollMs: 5 }) ?? (() => {})
  try {
    // known from readHistoryFile's read, else its last byte (not the exit path)
    const torn = before ? before.torn : endsTorn(file)
    // never through a symlink planted under its name (ELOOP: the run is not recorded, with a warning)
    writeFileNoFollowSync(file, torn ? `\n${encodeLine(entry)}` : encodeLine(entry), APPEND_NO_FOLLOW)
    // other processes may have appended since linesBefore was read: a margin keeps the estimate safe
    if (linesBefore !== undefined && linesBefore + 1 + 8 <= limit) return file
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
        rewriteCapped(file, fd, read.toString('utf8'), read.length, cap)
        // the temp files of report.json, trace.json and this rewrite that killed processes left: once
        // every ~history/2 runs, so they stay few, and the exit path pays no readdir on other runs
        removeLeftoverTempFiles(dir, isReportFile)
      }
    } finally {
      closeSync(fd)
    }
    try { chmodSync(file, 0o600) } catch { /* not ours */ }
  } finally {
    release()
  }
  return file
}


/**
 * Rewrites `file` to its last `cap` lines. `fd` is open on the file that was read (`text`, `size`
 * bytes). A process that waited 5 s for the lock appends without it: a rewrite paused meanwhile (a
 * process stopped or starved between its read and its rename) renamed its copy, made before that
 * line, over the file, and the run was lost. Lines appended to the file read are carried over:
 * those there once the copy is made go into it, those appended up to the rename are appended to the
 * new file after it (read through `fd`, which still reads the replaced file).
 */
function rewriteCapped(file: string, fd: number, text: string, size: number, cap: number): void {
  const more = appendedTo(fd, size)
  // a line of an earlier version is written plain (lineJson); one that is not a run's stays as it was, skipped on read
  const lines = (text + more.text).split('\n').filter(Boolean)
  writeFileAtomicSync(file, lines.slice(Math.max(0, lines.length - cap)).map(line => `${lineJson(line) ?? line}\n`).join(''))
  const late = appendedTo(fd, size + more.bytes)
  if (late.bytes > 0) writeFileNoFollowSync(file, late.text.endsWith('\n') ? late.text : `${late.text}\n`, APPEND_NO_FOLLOW)
}

/** The whole lines appended to the file open on `fd` past `offset` (a line still being written is left out). */
function appendedTo(fd: number, offset: number): { text: string; bytes: number } {
  const size = fstatSync(fd).size
  if (size <= offset) return { text: '', bytes: 0 }
  const buffer = Buffer.allocUnsafe(size - offset)
  let got = 0
  while (got < buffer.length) {
    const n = readSync(fd, buffer, got, buffer.length - got, offset + got)
    if (n === 0) break
    got += n
  }
  const end = buffer.lastIndexOf(10, got - 1) + 1
  return { text: buffer.toString('utf8', 0, end), bytes: end }
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
