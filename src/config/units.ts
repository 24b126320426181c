/**
 * Duration and size parsing. Numbers are ms / bytes; strings take a unit.
 * Returns `undefined` for anything invalid so callers can report the key path.
 */
import type { MetricKind } from '../runtime/monitors/metric-kinds.js'

/** The units a duration string takes, in this order in messages (config-issue.ts). */
export const DURATION_UNITS: readonly string[] = ['ms', 's', 'm', 'h', 'd', 'w']

/**
 * Each duration unit's length in ms, `undefined` for any other: a switch, not a table made at every
 * start (≈ 1.2 kB of young generation, session 29; parseDuration reads one unit a call).
 */
export function durationFactor(unit: string): number | undefined {
  switch (unit) {
    case 'ms': return 1
    case 's': return 1000
    case 'm': return 60_000
    case 'h': return 3_600_000
    case 'd': return 86_400_000
    case 'w': return 604_800_000
    default: return undefined
  }
}
/**
 * Each size unit's bytes (lower case), `undefined` for any other: a switch, not a table made at every
 * start (≈ 1 kB of young generation with its two boxed numbers, session 29; parseSize reads one unit a call).
 */
function sizeFactor(unit: string): number | undefined {
  switch (unit) {
    case 'b': return 1
    case 'kb': return 1000
    case 'mb': return 1e6
    case 'gb': return 1e9
    case 'tb': return 1e12
    case 'kib': return 1024
    case 'mib': return 1024 ** 2
    case 'gib': return 1024 ** 3
    case 'tib': return 1024 ** 4
    default: return undefined
  }
}
/**
 * `<number><unit>` with optional spaces around and between, the number a decimal without sign:
 * digits with an optional fraction, or a fraction alone (`'.5s'`, `'1.s'`), and an optional exponent
 * (`'1e3ms'`, `'1.5e-3s'`): what the types' `${number}${unit}` takes, but a sign (a negative duration)
 * or a hex, octal or binary literal. Parsed by hand: every start resolves the config's units, and V8 compiles a regular
 * expression on its first use and again on its second (≈ 0.3 ms for the case-insensitive size one).
 */
function splitUnit(input: string): [value: number, unit: string] | undefined {
  let i = 0
  const end = input.length
  while (i < end && isSpace(input.charCodeAt(i))) i++
  const numberStart = i
  while (i < end && isDigit(input.charCodeAt(i))) i++
  let digits = i - numberStart
  if (input.charCodeAt(i) === 46 /* . */) {
    const fraction = ++i
    while (i < end && isDigit(input.charCodeAt(i))) i++
    digits += i - fraction
  }
  if (digits === 0) return undefined
  // an exponent: `${number}` in the Duration and Size types takes '1e3ms' (and String(1e21) is '1e+21')
  const e = input.charCodeAt(i)
  if (e === 101 /* e */ || e === 69 /* E */) {
    let j = i + 1
    if (input.charCodeAt(j) === 43 /* + */ || input.charCodeAt(j) === 45 /* - */) j++
    const exponent = j
    while (j < end && isDigit(input.charCodeAt(j))) j++
    if (j === exponent) return undefined
    i = j
  }
  const value = Number(input.slice(numberStart, i))
  while (i < end && isSpace(input.charCodeAt(i))) i++
  const unitStart = i
  while (i < end && !isSpace(input.charCodeAt(i))) i++
  const unit = input.slice(unitStart, i)
  while (i < end && isSpace(input.charCodeAt(i))) i++
  return i === end && unit ? [value, unit] : undefined
}
const isDigit = (c: number) => c >= 48 && c <= 57
// what \s matches
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || (c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff))

/**
 * `'250ms'` → 250, `'10s'` → 10000, `5` → 5: whole ms, a number rounded as a string is (`2.5` → 3,
 * `'1.5ms'` → 2; timers fire on whole ms). Negative, NaN, Infinity → undefined.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined
  if (typeof input !== 'string') return undefined
  const parts = splitUnit(input)
  const factor = parts && durationFactor(parts[1])
  if (factor === undefined) return undefined
  const value = parts![0] * factor
  return Number.isFinite(value) ? Math.round(value) : undefined
}

/** `'10kB'` → 10000, `'10KiB'` → 10240, `512` → 512. Negative, NaN, Infinity → undefined. */
export function parseSize(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined
  if (typeof input !== 'string') return undefined
  const parts = splitUnit(input)
  const unit = parts?.[1].toLowerCase()
  const factor = unit !== undefined ? sizeFactor(unit) : undefined
  if (factor === undefined) return undefined
  const value = parts![0] * factor
  return Number.isSafeInteger(Math.round(value)) ? Math.round(value) : undefined
}

/**
 * 1536 → '1.54 kB': decimal units, the ones a config's `'100MB'` is written in (so a limit of
 * `'100MB'` reads '100 MB', not '95.4 MiB'), three significant digits, never '1000 kB' (that is '1.00 MB').
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes)
  const sign = bytes < 0 ? '-' : ''
  let n = Math.round(Math.abs(bytes))
  if (n < 1000) return `${sign}${n} B`
  const units = ['kB', 'MB', 'GB', 'TB', 'PB']
  let i = -1
  let text: string
  do {
    n /= 1000
    i++
    text = n >= 99.95 ? n.toFixed(0) : n >= 9.995 ? n.toFixed(1) : n.toFixed(2)
  } while (Number(text) >= 1000 && i < units.length - 1)
  return `${sign}${text} ${units[i]}`
}

/**
 * 0.42 → '420 µs', 1234 → '1.23 s', 300000 → '5 min', 90061000 → '25 h', 3 days → '3 d' (input in
 * ms). A value that rounds up to the next unit is shown in it: 999.7 → '1.00 s', never '1000 ms'.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const sign = ms < 0 ? '-' : ''
  const a = Math.abs(ms)
  // nothing measured (a 0 ms median): not `0.00 µs` beside figures in ms
  if (a === 0) return '0 ms'
  if (a < 1) {
    const us = a * 1000
    const text = us.toFixed(us < 9.995 ? 2 : 0)
    if (Number(text) < 1000) return `${sign}${text} µs`
  }
  if (a < 1000) {
    const text = a.toFixed(a < 9.995 ? 2 : a < 99.95 ? 1 : 0)
    if (Number(text) < 1000) return `${sign}${text} ms`
  }
  if (a < 60_000) {
    const text = (a / 1000).toFixed(a < 9_995 ? 2 : 1)
    if (Number(text) < 60) return `${sign}${text} s`
  }
  const seconds = Math.round(a / 1000)
  if (seconds < 3600) return `${sign}${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`
  const hours = a / 3_600_000
  if (hours < 47.95) return `${sign}${hours.toFixed(1).replace(/\.0$/, '')} h`
  return `${sign}${(a / 86_400_000).toFixed(1).replace(/\.0$/, '')} d`
}

/**
 * A monitor metric's value in its kind's unit (src/runtime/monitors/metric-kinds.ts): `524 MB`,
 * `4.12 ms`, `1.20 MB/s`, `90.0 %` (a ratio 0.9 too), a plain number rounded to 3 decimals.
 */
export function formatMetric(kind: MetricKind, value: number): string {
  if (kind === 'size') return formatBytes(value)
  if (kind === 'duration') return formatDuration(value)
  if (kind === 'rate') return `${formatBytes(value)}/s`
  if (kind === 'percent' || kind === 'ratio') return `${(kind === 'ratio' ? value * 100 : value).toFixed(1)} %`
  return String(Number(value.toFixed(3)))
}
