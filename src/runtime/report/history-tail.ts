/**
 * The newest runs of history.jsonl, read from the end of the file: what the exit path judges a run by
 * (budgets.ts historyNeeded: the newest successful runs of the commands that ran) costs what it needs,
 * not what the file holds. Read whole and counted on every exit, a `report.history: 10000` file
 * (≈ 5 MB) cost tens of ms per run; its tail is a few tens of kB.
 */
import { closeSync, fstatSync, openSync } from 'node:fs'
import { readAt } from '../read-at.js'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { HISTORY_FILE, type HistoryEntry, type HistoryFileState } from './history.js'
import { parseRun } from './history-read.js'
import { READ_NO_BLOCK } from '../read-regular-file.js'

/** What one line is taken to hold before any is read (a run of one or two commands: 300–400 bytes). */
const LINE_BYTES_GUESS = 512
const MIN_TAIL = 16_384
/**
 * The most of the file the exit path reads (its tail). A run's line is under 1 kB (`report.history:
 * 10000` is ≈ 5 MB): past this it is not a history unperf wrote (NUL bytes a crash or a truncate left,
 * one line of hundreds of MB), and the runs in this tail are all that is judged. Read to its end, a
 * 600 MB file of NUL bytes threw ERR_STRING_TOO_LONG out of perf.close(), a stack trace and exit 1.
 */
const MAX_TAIL = 32 * 1024 * 1024

/**
 * readHistoryFile's answer for the exit path: the newest valid runs, oldest first, back until each
 * of `need.commands` has `need.runs` successful runs, never beyond the last `report.history` runs
 * (the same runs as a read of the whole file gives). The tail is read first and four times more of
 * it while that is not enough. `lines` is exact when the whole file was read, else estimated from
 * the tail's lines: the history's rewrite (appendHistory) reads the file whole once the estimate
 * nears its limit, and counts.
 */
export function readNewestHistory(config: ResolvedPerfConfig, need: { commands: string[]; runs: number }): HistoryFileState & { entries: HistoryEntry[] } {
  const cap = config.report.history
  let fd: number
  try {
    fd = openSync(join(config.report.dir, HISTORY_FILE), READ_NO_BLOCK)
  } catch {
    return { entries: [], lines: 0, found: false, torn: false }
  }
  try {
    const st = fstatSync(fd)
    // a directory (or a FIFO) under its name: no history to read (readHistoryFile's answer, whose
    // read fails), not an EISDIR thrown out of perf.close(); its append fails with one warning
    if (!st.isFile()) return { entries: [], lines: 0, found: false, torn: false }
    const size = st.size
    let want = Math.min(size, Math.max(MIN_TAIL, need.runs * LINE_BYTES_GUESS))
    for (;;) {
      const start = size - want
      const buf = Buffer.allocUnsafe(want)
      const got = readAt(fd, buf, start) // fewer when cut short meanwhile
      // the line the tail begins inside of is not read (nor counted): from the first newline on
      const skip = start === 0 ? 0 : buf.indexOf(10) + 1
      if (start > 0 && (skip === 0 || skip >= got)) {
        // one line longer than the tail: read more, up to MAX_TAIL (no line end there: no run to judge with)
        if (want < Math.min(size, MAX_TAIL)) { want = Math.min(size, want * 4, MAX_TAIL); continue }
        return { entries: [], lines: 0, found: true, torn: got > 0 && buf[got - 1] !== 10 }
      }
      // the lines are found in the bytes (a newline byte is never part of a longer UTF-8 sequence)
      // and only those judged are decoded: the tail as one string, sliced and parsed line by line,
      // was ≈ 60 kB of young generation at every exit (test/package/warm-young-generation.test.ts)
      const tail = buf.subarray(skip, got)
      const window = lastRuns(tail, cap)
      const walk = cap > 0 ? newestFor(tail, window.from, cap, need) : { entries: [], reachedStart: false }
      if (start > 0 && walk.reachedStart && !window.inside && want < Math.min(size, MAX_TAIL)) {
        want = Math.min(size, want * 4, MAX_TAIL)
        continue
      }
      return { entries: walk.entries, lines: linesOf(tail, start, size), found: true, torn: got > 0 && buf[got - 1] !== 10 }
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * The newline-terminated lines of a history file of `size` bytes whose `tail` (its whole lines from
 * `start` on) was read: exact when `start` is 0, else estimated at the tail's lines per byte.
 */
export function linesOf(tail: Buffer, start: number, size: number): number {
  let lines = 0
  for (let i = tail.indexOf(10); i !== -1; i = tail.indexOf(10, i + 1)) lines++
  return start > 0 ? Math.round(lines * (size / tail.length)) : lines
}

/** The last newline in `tail` at or before `pos`, -1 when none (String.prototype.lastIndexOf's answer: a negative `pos` looks at 0 only). */
function lastNewline(tail: Buffer, pos: number): number {
  return pos < 0 ? (tail[0] === 10 ? 0 : -1) : tail.lastIndexOf(10, pos)
}

/**
 * Where the last `cap` runs (and 9 lines more: invalid lines are skipped) begin in `tail`, as
 * readHistoryFile counts them; `inside`: that many lines are in `tail` (else `from` is its start).
 */
function lastRuns(tail: Buffer, cap: number): { from: number; inside: boolean } {
  let from = tail.length
  let n = 0
  for (; n <= cap + 8 && from > 0; n++) from = lastNewline(tail, from - 2) + 1
  return { from, inside: n === cap + 9 }
}

/**
 * The newest valid runs in `tail` from `from` on, oldest first, read from the end back until each of
 * `need.commands` has `need.runs` successful runs or `cap` runs were taken; `reachedStart`: it
 * stopped at `from` still wanting runs. (Plain loops: this runs once per exit, never warmed up.)
 */
function newestFor(tail: Buffer, from: number, cap: number, need: { commands: string[]; runs: number }): { entries: HistoryEntry[]; reachedStart: boolean } {
  const left = new Map<string, number>()
  for (let i = 0; i < need.commands.length; i++) left.set(need.commands[i]!, need.runs)
  const out: HistoryEntry[] = []
  let end = tail.length
  while (end > from && out.length < cap && left.size > 0) {
    // the line ending at `end` (its own newline, when it has one, left out)
    const start = Math.max(from, end >= 2 ? tail.lastIndexOf(10, end - 2) + 1 : 0)
    const entry = parseRun(tail.toString('utf8', start, tail[end - 1] === 10 ? end - 1 : end))
    end = start
    if (!entry) continue
    out.push(entry)
    const commands = entry.commands
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i]!
      const n = c.status === 'ok' ? left.get(c.name) : undefined
      if (n === undefined) continue
      if (n <= 1) left.delete(c.name)
      else left.set(c.name, n - 1)
    }
  }
  return { entries: out.reverse(), reachedStart: end <= from && out.length < cap && left.size > 0 }
}
