/**
 * history.jsonl: one line per run, appended when a process closes; reads see the last `report.history` runs.
 * Each line is `<length> <json>`, so a torn line, garbage or two writes run together are skipped on read.
 * Appends and the cap's rewrite happen under a lock file (lock-file.ts, stale after 10 s), so processes
 * exiting at once never lose a line; the wait is synchronous (exit handler).
 * The file is rewritten to the last `history` lines only when it holds half as many again (at least
 * 10 more): one rewrite every ~history/2 runs instead of a read and a rewrite on every exit.
 */
import { chmodSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { PerfReport } from '../types.js'
import { gitEntriesAbove } from '../project.js'
import { waitForLockFile } from '../lock-file.js'
import { makeDirSync } from '../make-dir.js'
import { APPEND_NO_FOLLOW, writeFileAtomicSync, writeFileNoFollowSync } from '../write-file-atomic.js'

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
    cache: { hitRate: report.cache.hitRate, lookups: report.cache.hits + report.cache.misses },
    peakRss: report.memory.peakRss,
    budgetsFailed: report.budgets.filter(b => b.status === 'fail').map(b => b.budget),
  }
}

/** `<length of the JSON, base 36> <json>\n` */
export function encodeLine(entry: HistoryEntry): string {
  const json = JSON.stringify(entry)
  return `${json.length.toString(36)} ${json}\n`
}

/**
 * The valid entries of history text. A line is kept when its length prefix matches and its JSON is
 * a history entry: a torn line, two writes run together, garbage or a line appended without the
 * prefix is skipped. Every check is native (indexOf, JSON.parse): this runs on every exit, and a
 * per-character hash in JS cost 4-7 ms there for a full history (cold code runs interpreted).
 * Lines written by unperf < 0.2 (a 16-hex-digit hash prefix) are read without their hash.
 */
export function parseLines(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const space = text.indexOf(' ', start)
    if (space > start && space < end) {
      const prefix = text.slice(start, space)
      const json = text.slice(space + 1, end)
      const legacy = prefix.length === 16 && /^[0-9a-f]{16}$/.test(prefix)
      if (legacy || (prefix.length <= 6 && parseInt(prefix, 36) === json.length)) {
        try {
          const entry = JSON.parse(json) as HistoryEntry
          if (entry !== null && typeof entry === 'object' && entry.v === 1 && Array.isArray(entry.commands)) out.push(entry)
        } catch { /* skip */ }
      }
    }
    start = end + 1
  }
  return out
}

/** The last `report.history` runs recorded in report.dir, oldest first; optionally only those that ran `command`. */
export function readHistory(config: ResolvedPerfConfig, options: { command?: string } = {}): HistoryEntry[] {
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
export function readHistoryFile(config: ResolvedPerfConfig, options: { command?: string } = {}): HistoryFileState & { entries: HistoryEntry[] } {
  let text = ''
  try { text = readFileSync(join(config.report.dir, HISTORY_FILE), 'utf8') } catch { return { entries: [], lines: 0, found: false, torn: false } }
  const torn = text.length > 0 && text.charCodeAt(text.length - 1) !== 10
  const cap = config.report.history
  let lines = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
  // only the tail can be among the last `cap` valid runs: parse from a little before it (invalid lines are skipped)
  let from = text.length
  for (let n = 0; n <= cap + 8 && from > 0; n++) from = text.lastIndexOf('\n', from - 2) + 1
  const all = cap > 0 ? parseLines(from > 0 ? text.slice(from) : text).slice(-cap) : []
  return { entries: options.command ? all.filter(e => e.commands.some(c => c.name === options.command)) : all, lines, found: true, torn }
}

/** Lines the file may hold before it is rewritten to the last `cap`. */
function rewriteAbove(cap: number): number {
  return cap <= 0 ? 0 : cap + Math.max(10, Math.ceil(cap / 2))
}

/** Local and shared (historyDriver) runs merged by runId, oldest first, the last `cap` kept. */
export function mergeHistories(a: HistoryEntry[], b: HistoryEntry[], cap: number): HistoryEntry[] {
  const byId = new Map<string, HistoryEntry>()
  for (const e of [...a, ...b]) byId.set(e.runId, e)
  const all = [...byId.values()].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0))
  return cap > 0 ? all.slice(-cap) : []
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
    const torn = before ? before.torn : endsTorn(file)
    // never through a symlink planted under its name (ELOOP: the run is not recorded, with a warning)
    writeFileNoFollowSync(file, torn ? `\n${encodeLine(entry)}` : encodeLine(entry), APPEND_NO_FOLLOW)
    // other processes may have appended since linesBefore was read: a margin keeps the estimate safe
    if (linesBefore !== undefined && linesBefore + 1 + 8 <= limit) return file
    const text = readFileSync(file, 'utf8')
    let count = 0
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++
    if (count > limit) {
      const lines = text.split('\n').filter(Boolean)
      writeFileAtomicSync(file, lines.slice(Math.max(0, lines.length - cap)).join('\n') + (cap > 0 ? '\n' : ''))
    }
    try { chmodSync(file, 0o600) } catch { /* not ours */ }
  } finally {
    release()
  }
  return file
}

/** The file ends without a newline (read only when no readHistoryFile came before: not the exit path). */
function endsTorn(file: string): boolean {
  try {
    const text = readFileSync(file, 'latin1')
    return text.length > 0 && text.charCodeAt(text.length - 1) !== 10
  } catch {
    return false
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
