/**
 * The console summary's rows of a command run many times in one process (a service's requests, a
 * watch mode's rebuilds): one row per name, not one per run. A deferred module (scripts/build.mjs):
 * a CLI's run of one command never needs it.
 */
import { formatBytes, formatDuration } from '../../config/units.js'
import type { CommandRecord } from '../types.js'

/** One row per name of `names` (`c`: console.ts's color). */
export function commandRowsByName(commands: readonly CommandRecord[], names: Set<string>, c: (code: number, s: string) => string): string[][] {
  return [...names].map(name => {
    const runs = commands.filter(cmd => cmd.name === name)
    const durations = runs.map(cmd => cmd.duration).sort((a, b) => a - b)
    const at = (q: number) => durations[Math.min(durations.length - 1, Math.ceil(q * durations.length) - 1)]!
    const errors = runs.filter(cmd => cmd.status !== 'ok').length
    return [
      name, runs.length === 1 ? '1 run' : `${runs.length} runs`, `p50 ${formatDuration(at(0.5))}`, `p95 ${formatDuration(at(0.95))}`,
      `max ${formatDuration(durations.at(-1)!)}`, `peak ${formatBytes(Math.max(...runs.map(cmd => cmd.memoryPeak)))}`,
      errors === 0 ? c(32, 'ok') : c(31, errors === 1 ? '1 error' : `${errors} errors`),
    ]
  })
}
