/**
 * A config problem as ConfigError lists it, its value told by its type or shape (errors.ts
 * re-exports both). A deferred module (scripts/build.mjs): only a config with a problem, or a
 * caller's slip, makes one.
 */
import { NotShown, type ConfigIssue } from './errors.js'
import { DURATION_UNITS, parseDuration, parseSize } from './config/units.js'

export function formatFound(value: unknown): string {
  if (value instanceof NotShown) return value.description
  if (typeof value === 'string') return `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'`
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  return 'an object'
}

export function configIssue(file: string, path: string, expected: string, found: unknown): ConfigIssue {
  expected += unitHint(expected, found)
  return { file, path, expected, found, message: `${file}: ${path}: expected ${expected}, got ${formatFound(found)}` }
}

/**
 * A number with a unit unperf does not know ('1y', '1PB', '30 days', '5min'): the units it does,
 * so the fix is in the message (it said only "like '10m'").
 */
function unitHint(expected: string, found: unknown): string {
  if (/\ba duration greater than 0\b/.test(expected)) {
    const hint = roundsToZeroHint(found)
    if (hint) return hint
  }
  // a number in a string ('50000', as size-limit's limits and `ms` take one): a string takes a unit here
  const bare = typeof found === 'string' ? /^\s*(\d+(?:\.\d*)?|\.\d+)\s*$/.exec(found)?.[1] : undefined
  if (bare !== undefined && Number(bare) > 0) {
    if (/\ba size\b/.test(expected)) return ` (a string takes a unit: '${bare}B', or write the number ${bare})`
    if (/\ba duration\b/.test(expected)) return ` (a string takes a unit: '${bare}ms', or write the number ${bare})`
  }
  const unit = typeof found === 'string' ? /^\s*(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*([a-z]+)\s*$/i.exec(found)?.[1] : undefined
  // the unit alone: '1e30TB' is too large, not in an unknown unit
  if (unit === undefined) return ''
  if (/\ba duration\b/.test(expected) && parseDuration(`1${unit}`) === undefined) return durationUnitsHint()
  if (/\ba size\b/.test(expected) && parseSize(`1${unit}`) === undefined) return ' (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)'
  return ''
}

/**
 * The duration units there are, as a config error and a per-call ttl error both end when a
 * duration's unit is not one (cache-input.ts): ` (units: ms, s, m, h, d, w; no month or year: write '365d')`.
 */
export function durationUnitsHint(): string {
  return ` (units: ${DURATION_UNITS.join(', ')}; no month or year: write '365d')`
}

/** A duration that is not 0 but rounds to 0 ms (`0.4`, `'0.4ms'`): why it is refused where 0 is. */
export function roundsToZeroHint(found: unknown): string {
  const nonZero = typeof found === 'number' ? found > 0 : typeof found === 'string' && /[1-9]/.test(found)
  return nonZero && parseDuration(found) === 0 ? ` (durations are whole ms: ${formatFound(found)} rounds to 0)` : ''
}
