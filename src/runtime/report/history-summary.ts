/**
 * history-summary.bin: what the exit path judges a run by from past runs (each line's time, pid and
 * its commands' names, durations and statuses), beside history.jsonl, in a fixed binary layout read
 * into a Buffer (off the JS heap) with no JSON.parse: the newest runs read from history.jsonl
 * itself were ≈ 63 kB of young generation at every exit (≈ 44 kB while each line goes through
 * JSON.parse), the summary's read ≈ 2 kB (test/package/warm-young-generation.test.ts).
 *
 * A cache derived from history.jsonl, never trusted over it: its header holds the history file's
 * inode, size and mtime it was made from, and any other file (rotated, truncated, edited, appended
 * by an older unperf or by a process that waited for the lock in vain), a summary missing, short,
 * of another version or of inconsistent counts, or a window it does not cover, sends the exit path
 * to the history's tail (history-tail.ts), the same runs and verdicts. It is written under the
 * history's lock right after the append (history-summary-write.ts), by rename (a reader sees the
 * old file, the new or none).
 *
 * Layout (little-endian): a header (HEADER_BYTES), one RUN_BYTES record per line of the history's
 * newest lines, oldest first (a line that is no run: a record with no flags), one COMMAND_BYTES
 * record per command of those runs, and the command names (u16 byte length + UTF-8 each).
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs'
import { readAt } from '../read-at.js'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { HISTORY_FILE } from './history.js'
import { buildSummary } from './history-summary-build.js'
import { READ_NO_FOLLOW } from '../write-file-atomic.js'

export const SUMMARY_FILE = 'history-summary.bin'
export const SUMMARY_MAGIC = 0x53485055 // 'UPHS'
export const SUMMARY_VERSION = 1
/** header fields' offsets */
export const H = { magic: 0, version: 4, ino: 8, size: 16, mtimeMs: 24, lines: 32, whole: 40, runs: 48, commands: 52, names: 56, nameBytes: 60 } as const
export const HEADER_BYTES = 64
/**
 * run record: time (its 24 ASCII characters: an ISO time as isoTime writes it, compared as bytes as
 * budgets.ts compares the strings), pid (f64, NaN when not a number), first command (u32), commands
 * (u16), flags (u16)
 */
export const RUN_BYTES = 40
export const R = { time: 0, pid: 24, first: 32, count: 36, flags: 38 } as const
export const TIME_BYTES = 24
/** command record: duration (f64), name index (u16), status (u8: 1 ok), one byte unused */
export const COMMAND_BYTES = 12
/** flags of a run record: the line is a run (parseRun); its time is no 24 ASCII characters (never judged from the summary) */
export const RUN_VALID = 1
export const RUN_OPAQUE = 2
/** The most lines a summary holds: `report.history` up to 1000 (and the 9 lines read past it) is covered. */
export const MAX_SUMMARY_RUNS = 1009
/** What the summary was made from: history.jsonl's identity. */
export interface HistoryStat { ino: number; size: number; mtimeMs: number }

/** A summary read and checked against the history file it was made from. */
export interface Summary extends HistoryStat {
  buf: Buffer
  v: DataView
  /** Newline-terminated lines of the history (exact, or estimated when it was made from a tail). */
  lines: number
  /** Its first record is the history's first line (else the history has older lines it does not hold). */
  whole: boolean
  runs: number
  commands: number
  /** where the command records and the names begin */
  commandsAt: number
  namesAt: number
  names: string[]
}

/** The runs a command was judged against: each command's successful durations, oldest first, in the runs before this one. */
export type PriorDurations = Map<string, number[]>

/**
 * What the exit path judges this run by, from the summary: the commands' prior durations, and what
 * the append that follows needs of the file (history.ts HistoryFileState); undefined when the
 * summary cannot stand for the history and none can be made from it (a line cut short at its end,
 * more runs kept than a summary holds, a run time not as isoTime writes it): the exit path reads the
 * history's tail then (history-tail.ts). Never with `report.history: 0` (nothing is judged).
 */
export function judgeFromSummary(config: ResolvedPerfConfig, report: { endedAt: string; pid: number; commands: { name: string }[] }, need: 'all' | { commands: string[]; runs: number }): { entries: PriorDurations; file: { lines: number; found: true; torn: false; summary: Summary } } | undefined {
  const cap = config.report.history
  if (cap <= 0) return undefined
  const dir = config.report.dir
  let st
  try { st = statSync(join(dir, HISTORY_FILE), { throwIfNoEntry: false }) } catch { return undefined }
  if (!st?.isFile()) return undefined
  // none that stands for this file: made from its newest lines here (one parse of them, which the
  // append then extends, instead of the tail's parse and another to make it anew)
  let summary = readSummary(dir, st)
  if (!summary && cap + 9 <= MAX_SUMMARY_RUNS) {
    try {
      const built = buildSummary(join(dir, HISTORY_FILE), cap + 9)
      summary = built && parseSummary(built, st)
    } catch { /* read as the tail, below */ }
  }
  if (!summary) return undefined
  const entries = need === 'all' ? priorDurations(summary, report, report.commands.map(c => c.name), Infinity, cap) : priorDurations(summary, report, need.commands, need.runs, cap)
  return entries && { entries, file: { lines: summary.lines, found: true, torn: false, summary } }
}

/** The summary beside `dir`'s history, when it is one made from exactly the file `history` is; else undefined. */
export function readSummary(dir: string, history: HistoryStat): Summary | undefined {
  let fd: number
  try { fd = openSync(join(dir, SUMMARY_FILE), READ_NO_FOLLOW) } catch { return undefined }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > 1 << 22) return undefined
    const buf = Buffer.allocUnsafe(st.size)
    return readAt(fd, buf, 0) < buf.length ? undefined : parseSummary(buf, history)
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

/**
 * `buf` as a summary of `history`, or undefined (another file's, another version's, counts that do
 * not add up). Read through a DataView: Buffer's readUInt16LE and the like allocated 64–100 bytes a
 * call in code that never warms up (≈ 55 kB for a summary of 109 runs), a DataView's getters none.
 */
export function parseSummary(buf: Buffer, history: HistoryStat): Summary | undefined {
  if (buf.length < HEADER_BYTES) return undefined
  const v = new DataView(buf.buffer, buf.byteOffset, buf.length)
  if (v.getUint32(H.magic, true) !== SUMMARY_MAGIC || v.getUint32(H.version, true) !== SUMMARY_VERSION) return undefined
  const ino = v.getFloat64(H.ino, true), size = v.getFloat64(H.size, true), mtimeMs = v.getFloat64(H.mtimeMs, true)
  if (ino !== history.ino || size !== history.size || mtimeMs !== history.mtimeMs) return undefined
  const runs = v.getUint32(H.runs, true), commands = v.getUint32(H.commands, true), nameCount = v.getUint32(H.names, true)
  const commandsAt = HEADER_BYTES + runs * RUN_BYTES
  const namesAt = commandsAt + commands * COMMAND_BYTES
  if (runs > MAX_SUMMARY_RUNS || namesAt + v.getUint32(H.nameBytes, true) !== buf.length) return undefined
  const names: string[] = []
  let at = namesAt
  for (let i = 0; i < nameCount && at + 2 <= buf.length; i++, at += 2 + v.getUint16(at, true)) names.push(buf.toString('utf8', at + 2, at + 2 + v.getUint16(at, true)))
  // the names end where the file does; the runs' commands one after the other, the first run's first
  let next = 0
  let r = HEADER_BYTES
  for (; r < commandsAt && v.getUint32(r + R.first, true) === next; r += RUN_BYTES) next += v.getUint16(r + R.count, true)
  if (at !== buf.length || names.length !== nameCount || r !== commandsAt || next !== commands) return undefined
  return { buf, v, ino, size, mtimeMs, lines: v.getFloat64(H.lines, true), whole: v.getFloat64(H.whole, true) === 1, runs, commands, commandsAt, namesAt, names }
}

/** How the time held at `at` compares with `time` (24 ASCII characters): below 0 when earlier, 0 when the same. */
function compareTime(buf: Buffer, at: number, time: string): number {
  for (let i = 0; i < TIME_BYTES; i++) {
    const d = buf[at + i]! - time.charCodeAt(i)
    if (d !== 0) return d
  }
  return 0
}

/**
 * What the tail's read (history-tail.ts readNewestHistory) gives budgets.ts, from the summary: the
 * runs of the last `cap` + 9 lines, the newest first, at most `cap` of them, until each of
 * `commands` has `runs` successful runs (Infinity: all of them, readHistoryFile's answer); of those,
 * the runs that ended before `report` (budgets.ts runsBefore), each command's successful durations.
 * Undefined when the summary cannot tell: a run it needs has a time that is not 24 ASCII
 * characters, or the runs it holds end before what the window needs. (Plain loops, no closures:
 * run once per exit, in code that never warms up.)
 */
export function priorDurations(s: Summary, report: { endedAt: string; pid: number }, commands: string[], runs: number, cap: number): PriorDurations | undefined {
  // the run's end as the records' times are held (isoTime's 24 characters; the records' are ASCII,
  // so a byte against a character code orders as the strings do)
  const ended = report.endedAt
  if (ended.length !== TIME_BYTES) return undefined
  const { buf, v, names } = s
  // each command's list in `out`, by its name's index (-1: not asked for); the runs each still wants
  // (one the summary has no run of is wanted all the same: the tail's walk goes on for it)
  const out: PriorDurations = new Map()
  const slot = new Int32Array(names.length).fill(-1)
  const lists: number[][] = []
  const left: number[] = []
  for (let i = 0; i < commands.length; i++) {
    if (out.has(commands[i]!)) continue
    const index = names.indexOf(commands[i]!)
    if (index !== -1) slot[index] = lists.length
    out.set(commands[i]!, lists[lists.length] = [])
    left.push(runs)
  }
  let wanting = left.length
  let taken = 0
  let r = s.runs - 1
  for (const last = s.runs - Math.min(s.runs, cap + 9); r >= last && taken < cap && wanting > 0; r--) {
    const at = HEADER_BYTES + r * RUN_BYTES
    const flags = v.getUint16(at + R.flags, true)
    if ((flags & RUN_VALID) === 0) continue
    if ((flags & RUN_OPAQUE) !== 0) return undefined
    taken++
    const order = compareTime(buf, at + R.time, ended)
    const before = order < 0 || (order === 0 && v.getFloat64(at + R.pid, true) !== report.pid)
    for (let c = s.commandsAt + v.getUint32(at + R.first, true) * COMMAND_BYTES, end = c + v.getUint16(at + R.count, true) * COMMAND_BYTES; c < end; c += COMMAND_BYTES) {
      // (a name index past the names: none asked for)
      const k = slot[v.getUint16(c + 8, true)] ?? -1
      if (k === -1 || buf[c + 10] !== 1) continue
      if (before) lists[k]!.push(v.getFloat64(c, true))
      // counted whether or not it ended before this run, as the tail's walk counts it
      if (--left[k]! === 0) wanting--
    }
  }
  // stopped at the oldest line it holds still wanting runs, while the history has older lines in the window
  if (r < 0 && !s.whole && taken < cap && wanting > 0 && s.runs < cap + 9) return undefined
  for (let k = 0; k < lists.length; k++) lists[k]!.reverse()
  return out
}
