/**
 * `new Date(ms).toISOString()` without Date: the first toISOString() of a process initializes V8's
 * date cache and time zone data (~1 ms measured on the start path), though an ISO time is plain UTC
 * arithmetic. Civil-from-days after Howard Hinnant's `civil_from_days`; years 0–9999.
 */
export function isoTime(ms: number): string {
  const t = Math.floor(ms)
  const days = Math.floor(t / 86_400_000)
  const inDay = t - days * 86_400_000
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const h = Math.floor(inDay / 3_600_000)
  const m = Math.floor(inDay / 60_000) % 60
  const s = Math.floor(inDay / 1000) % 60
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(inDay % 1000, 3)}Z`
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}
