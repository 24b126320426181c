/**
 * A pool's settings given for one call (`run(fn, { timeout: '2s', retries: 3 })`, a map's for each of
 * its items): checked and read as the pool's config reads them (units.ts parseDuration; a timeout of
 * 0 refused, false for none; retries an integer 0 to 100, the schema's bounds), then laid over the
 * pool's. Loaded with the pools (pool.ts is deferred), and only read when a call gives options.
 * perf.workers.run(url, name, args, { timeout, retries }) reads its own through it too (workers.ts).
 */
import type { ResolvedPoolConfig } from '../config/types.js'
import { parseDuration } from '../config/units.js'
import { argumentError, formatFound, roundsToZeroHint } from '../errors.js'

/** What one call can set of its pool's settings; the pool's own config is one too. */
export type TaskSettings = Pick<ResolvedPoolConfig, 'timeout' | 'retries' | 'backoff' | 'maxBackoff'>

/** The keys of a pool's settings a call may give. */
export const TASK_SETTINGS: readonly string[] = ['timeout', 'retries', 'backoff', 'maxBackoff']

/** The schema's bound on retries (scripts/schema-source.mjs), for a call as for the config. */
const MAX_RETRIES = 100

/**
 * The settings of a call that gives some (the pool's `defaults` for those it does not), undefined
 * when it gives none or only the pool's own values (the call runs as the pool's), or the TypeError of
 * a bad value naming the pool, the call (`run(fn` or `map(items, fn`) and the option. `pool`
 * undefined: a call that names itself whole (`perf.workers.run(moduleUrl, exportName, args`).
 */
export function taskSettings(options: Readonly<Record<string, unknown>>, defaults: TaskSettings, pool: string | undefined, call: string): TaskSettings | TypeError | undefined {
  const { timeout, retries, backoff, maxBackoff } = options
  if (timeout === undefined && retries === undefined && backoff === undefined && maxBackoff === undefined) return undefined
  const settings: TaskSettings = { timeout: defaults.timeout, retries: defaults.retries, backoff: defaults.backoff, maxBackoff: defaults.maxBackoff }
  if (timeout !== undefined) {
    const ms = timeout === false ? false : parseDuration(timeout)
    if (ms === undefined || ms === 0) return bad(pool, call, 'timeout', timeout, `a duration greater than 0 ('2s', or a number of ms), or false for none${ms === 0 ? roundsToZeroHint(timeout) || " (0 is not 'none': use false)" : ''}`)
    settings.timeout = ms
  }
  if (retries !== undefined) {
    if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > MAX_RETRIES) return bad(pool, call, 'retries', retries, `an integer from 0 to ${MAX_RETRIES} (extra attempts after a failure; 0: none)`)
    settings.retries = retries as number
  }
  for (const [key, value] of [['backoff', backoff], ['maxBackoff', maxBackoff]] as const) {
    if (value === undefined) continue
    const ms = parseDuration(value)
    if (ms === undefined) return bad(pool, call, key, value, `a duration ('100ms', or a number of ms${key === 'backoff' ? ": the base delay of the retries' exponential backoff" : ': the cap of one retry delay'})`)
    settings[key] = ms
  }
  // the pool's own values (`{ retries: 0 }` in a pool without retries): the call takes the pool's path
  const same = settings.timeout === defaults.timeout && settings.retries === defaults.retries && settings.backoff === defaults.backoff && settings.maxBackoff === defaults.maxBackoff
  return same ? undefined : settings
}

function bad(pool: string | undefined, call: string, key: string, value: unknown, expected: string): TypeError {
  return argumentError(`${pool === undefined ? '' : `pool '${pool}': `}${call}, { ${key} }): ${key} must be ${expected}, got ${formatFound(value)}`)
}
