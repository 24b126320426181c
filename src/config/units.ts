/**
 * Duration and size parsing. Numbers are ms / bytes; strings take a unit.
 * Returns `undefined` for anything invalid so callers can report the key path.
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1000, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
}
const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/
const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)\s*$/i

/** `'250ms'` → 250, `'10s'` → 10000, `5` → 5. Negative, NaN, Infinity → undefined. */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined
  if (typeof input !== 'string') return undefined
  const m = DURATION_RE.exec(input)
  if (!m) return undefined
  const value = Number(m[1]) * DURATION_UNITS[m[2]!]!
  return Number.isFinite(value) ? Math.round(value) : undefined
}

/** `'10kB'` → 10000, `'10KiB'` → 10240, `512` → 512. Negative, NaN, Infinity → undefined. */
export function parseSize(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined
  if (typeof input !== 'string') return undefined
  const m = SIZE_RE.exec(input)
  if (!m) return undefined
  const value = Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!
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
