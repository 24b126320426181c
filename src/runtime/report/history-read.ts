/**
 * history.jsonl read whole: the last `report.history` runs, as `unperf report`, `unperf budget` and
 * the CLI's readers see them (history.ts has the line format). The exit path reads
 * history-summary.bin instead, and this only when that cannot stand for the file (a deferred module:
 * scripts/build.mjs).
 */
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { endsTorn } from '../write-file-atomic.js'
import { readRegularFileSync } from '../read-regular-file.js'
import { HISTORY_FILE, isRun, type HistoryEntry, type HistoryFileState } from './history.js'

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
