/**
 * The run history (history.jsonl) as `unperf report`, `unperf budget` and `unperf cache stats` read
 * it, without the lines unperf did not write. The CLI reads history.jsonl loosely (runtime/report/
 * history.ts: any JSON line with `v: 1` and a `commands` array); a line written by hand or by another
 * tool with fields missing (`commands: [null]`, no `cache`) made the commands end in a TypeError
 * ("Cannot read properties of null (reading 'name')"). Such a run is left out, and each line is said
 * on stderr with its file, its line number and what is wrong with it.
 */
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../config/types.js'
import { whyUnreadable } from '../errors.js'
import { HISTORY_FILE, parseLines, type HistoryEntry } from '../runtime/report/history.js'
import { readRegularFileSync } from '../runtime/read-regular-file.js'

/** What is wrong with a run of history.jsonl for the CLI's readers (by key path), else undefined. */
export function runProblem(entry: HistoryEntry): string | undefined {
  const run = entry as unknown as Record<string, unknown>
  if (typeof run.time !== 'string' || Number.isNaN(Date.parse(run.time))) return 'time: expected an ISO time string'
  if (!Array.isArray(run.commands)) return 'commands: expected an array'
  for (const [i, c] of (run.commands as unknown[]).entries()) {
    const command = c as Record<string, unknown> | null
    if (typeof command !== 'object' || command === null) return `commands[${i}]: expected an object`
    if (typeof command.name !== 'string') return `commands[${i}].name: expected a string`
    if (!isNumber(command.duration) || command.duration < 0) return `commands[${i}].duration: expected a number of ms (≥ 0)`
    if (command.memoryPeak !== undefined && (!isNumber(command.memoryPeak) || command.memoryPeak < 0)) return `commands[${i}].memoryPeak: expected a number of bytes (≥ 0)`
    if (command.status !== 'ok' && command.status !== 'error') return `commands[${i}].status: expected 'ok' or 'error'`
  }
  const cache = run.cache as Record<string, unknown> | null | undefined
  if (typeof cache !== 'object' || cache === null || !isNumber(cache.hitRate) || !isNumber(cache.lookups)) return 'cache: expected { hitRate, lookups } (numbers)'
  if (cache.hitRate < 0 || cache.hitRate > 1 || cache.lookups < 0) return 'cache: expected a hitRate from 0 to 1 and lookups ≥ 0'
  if (typeof run.runId !== 'string') return 'runId: expected a string'
  for (const key of ['startup', 'peakRss'] as const) {
    if (run[key] !== undefined && (!isNumber(run[key]) || run[key] < 0)) return `${key}: expected a number (≥ 0)`
  }
  if (run.exitCode !== undefined && !Number.isInteger(run.exitCode)) return 'exitCode: expected an integer'
  return undefined
}

/**
 * The local history's runs the CLI can read; when some cannot, each of their lines is said on
 * stderr (the file is read once more then, to tell their line numbers: never on a clean history).
 */
export function readableRuns(config: ResolvedPerfConfig, entries: HistoryEntry[]): HistoryEntry[] {
  if (entries.length === 0) sayUnreadable(join(config.report.dir, HISTORY_FILE))
  const readable = entries.filter(e => runProblem(e) === undefined)
  if (readable.length === entries.length) return entries
  const file = join(config.report.dir, HISTORY_FILE)
  let text = ''
  try { text = readRegularFileSync(file, 'utf8') } catch { /* gone since: the runs are left out all the same */ }
  const said: string[] = []
  for (const [i, line] of text.split('\n').entries()) {
    const [entry] = line === '' ? [] : parseLines(line, true)
    const problem = entry && runProblem(entry)
    if (problem) said.push(`[unperf] ${file}:${i + 1}: skipped: ${problem}\n`)
  }
  process.stderr.write(said.slice(0, 20).join('') + (said.length > 20 ? `[unperf] ${file}: ${said.length - 20} more lines skipped\n` : ''))
  return readable
}

/**
 * No run read: a history.jsonl that is there but cannot be read (a directory in its place, no
 * permission) is said, naming it; it read as "no runs recorded", the run's own warning aside.
 */
function sayUnreadable(file: string): void {
  try {
    // as text, as it was read: past what a string holds (512 MiB) it read as no runs, unsaid
    readRegularFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    process.stderr.write(`[unperf] the run history ${file} cannot be read (${whyUnreadable(error, 'history.jsonl')}): left out, as with no recorded run; remove or fix it (the next run writes a new one)\n`)
  }
}

/** Runs of report.historyDriver the CLI can read (a shared store may hold another tool's entries): the others left out, said once. */
export function readableDriverRuns(entries: HistoryEntry[]): HistoryEntry[] {
  const readable = entries.filter(e => runProblem(e) === undefined)
  if (readable.length !== entries.length) process.stderr.write(`[unperf] report.historyDriver: ${entries.length - readable.length} runs skipped: ${runProblem(entries.find(e => runProblem(e) !== undefined)!)}\n`)
  return readable
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}
