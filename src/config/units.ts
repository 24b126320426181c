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

/** 1536 → '1.5 KiB' */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes)
  const sign = bytes < 0 ? '-' : ''
  let n = Math.abs(bytes)
  if (n < 1024) return `${sign}${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let i = -1
  do { n /= 1024; i++ } while (n >= 1024 && i < units.length - 1)
  return `${sign}${n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)} ${units[i]}`
}

/** 0.42 → '420 µs', 1234 → '1.23 s' (input in ms). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const a = Math.abs(ms)
  if (a < 1) return `${(ms * 1000).toFixed(a < 0.01 ? 2 : 0)} µs`
  if (a < 1000) return `${ms.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0)} ms`
  if (a < 60_000) return `${(ms / 1000).toFixed(2)} s`
  if (a < 3_600_000) return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
  return `${(ms / 3_600_000).toFixed(1)} h`
}
