/**
 * `unperf bench --baseline <file>`: the results a run is compared with, read back from the JSON of
 * --save-baseline or --export-json (hyperfine's shape), each result's command, median and times judged.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { UsageError, whyUnreadable } from '../errors.js'
import type { BenchResult } from './bench-format.js'

/** A baseline written by --save-baseline or --export-json (hyperfine's shape); anything else is a usage error. */
export function readBaseline(option: string, cwd: string): { results: BenchResult[] } {
  const file = resolve(cwd, option)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    // in words, as the histories say it: `(ENOENT)` left a user to decode it
    throw new UsageError(`--baseline ${file}: cannot be read: ${whyUnreadable(error, '--save-baseline JSON')}`)
  }
  let base: unknown
  try { base = JSON.parse(text) } catch { base = undefined }
  const results = (base as { results?: unknown } | undefined)?.results
  const problem = Array.isArray(results) ? results.map(baselineProblem).find(p => p !== undefined) : ''
  if (problem !== undefined) {
    throw new UsageError(`--baseline ${file}: ${problem && `${problem}; `}expected the JSON of --save-baseline or --export-json ({ results: [{ command, median, times, ... }] })`)
  }
  return base as { results: BenchResult[] }
}

/**
 * What is wrong with a baseline's result, by key path. Its times and median are judged: strings,
 * nulls or negative times (a file edited by hand, another tool's) were compared as they were, a
 * 'regression: 119.6 % slower (p = 0.0000)' and exit 1 from a baseline of `"x"`s.
 */
function baselineProblem(r: unknown, i: number): string | undefined {
  if (typeof r !== 'object' || r === null) return `results[${i}]: expected an object`
  const { command, median, times } = r as Record<string, unknown>
  if (typeof command !== 'string') return `results[${i}].command: expected a string`
  if (!isSeconds(median)) return `results[${i}].median: expected seconds (a number ≥ 0), got ${JSON.stringify(median) ?? 'nothing'}`
  if (!Array.isArray(times)) return `results[${i}].times: expected an array of seconds`
  const at = times.findIndex(t => !isSeconds(t))
  return at === -1 ? undefined : `results[${i}].times[${at}]: expected seconds (a number ≥ 0), got ${JSON.stringify(times[at]) ?? 'nothing'}`
}

const isSeconds = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0
