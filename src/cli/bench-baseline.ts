/**
 * The baseline of `unperf bench --baseline FILE`: read and judged before anything runs, and each
 * command of the run matched with its entry.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { UsageError, whyUnreadable } from '../errors.js'

/** What a baseline entry is judged by (a --save-baseline or --export-json result, hyperfine's shape). */
export interface BaselineResult { command: string; median: number; times: number[] }

/** A baseline written by --save-baseline or --export-json (hyperfine's shape); anything else is a usage error. */
export function readBaseline(option: string, cwd: string): { results: BaselineResult[] } {
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
  return base as { results: BaselineResult[] }
}

/**
 * Each command's baseline entry, in the order of `commands`, with a warning where it is not its own.
 * A command is matched by its text, the second one of a text (the same command twice, cold and warm
 * with two --prepare) with the second entry of it; one not in the baseline with the entry in its
 * position, unless that entry is matched by a command of this run (then it is not compared).
 */
export function matchBaseline(commands: string[], base: BaselineResult[]): { entry: BaselineResult | undefined; warning?: string }[] {
  const measured = new Set(commands)
  const seen = new Map<string, number>()
  return commands.map((command, i) => {
    const nth = seen.get(command) ?? 0
    seen.set(command, nth + 1)
    // the first entry of the text for both runs of a command given twice judged the warm run against the cold baseline
    const own = base.filter(b => b.command === command)
    const entry = own[Math.min(nth, own.length - 1)]
    if (entry) return { entry }
    const inPosition = base[i]
    // a command put before the others ('new' 'old' against the baseline of 'old') was judged
    // against old's times: a regression, exit 1, of a command never measured before
    if (inPosition && !measured.has(inPosition.command)) {
      return { entry: inPosition, warning: `'${command}' is not in the baseline: compared with its entry in the same position, '${inPosition.command}'` }
    }
    const why = inPosition ? ` (the entry in its position, '${inPosition.command}', is the baseline of that command, run here too)` : ''
    return { entry: undefined, warning: `'${command}' is not in the baseline: not compared${why}` }
  })
}

// --- internal ---

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
