import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, parseDuration, parseSize } from '../../src/config/units.js'

describe('parseDuration / parseSize', () => {
  it('reads numbers as ms / bytes and strings with a unit; anything else is undefined', () => {
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration(' 2 h ')).toBe(7_200_000)
    expect(parseDuration('1w')).toBe(604_800_000)
    expect(parseDuration(42)).toBe(42)
    for (const bad of ['-1s', '1y', '', 'ms', '.s', '+1s', '0x10s', '0b1s', '1e3', -5, Number.NaN, Number.POSITIVE_INFINITY, null, {}]) expect(parseDuration(bad), String(bad)).toBeUndefined()
    // what the types' `${number}${unit}` takes, and String(n) writes for a computed `${n}ms`: a fraction alone, an exponent
    expect(['.5s', '1.s', '1e3ms', '1.5e-3s', '2E1m', `${1e21}ms`].map(parseDuration)).toEqual([500, 1000, 1000, 2, 1_200_000, 1e21])
    expect(['.5MB', '1e3kB', '1.5e3B'].map(parseSize)).toEqual([500_000, 1_000_000, 1500])
    expect(parseSize('10kB')).toBe(10_000)
    expect(parseSize('10KiB')).toBe(10_240)
    expect(parseSize('1.5MB')).toBe(1_500_000)
    expect(parseSize(512)).toBe(512)
    for (const bad of ['-1kB', '10 parsecs', '', -1, Number.NaN, '1e30TB']) expect(parseSize(bad)).toBeUndefined()
  })

  it('accepts exactly what the regular expressions of the contract\'s units accept (hand-written parser, checked against them)', () => {
    // the number as the types' `${number}` writes it, but a sign: '.5s', '1.s', '1e3ms', '1.5E-3s'
    const DURATION = /^\s*((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(ms|s|m|h|d|w)\s*$/
    const SIZE = /^\s*((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([kmgt]i?b|b)\s*$/i
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as Record<string, number>
    const sizes = { b: 1, kb: 1000, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 } as Record<string, number>
    const reference = {
      duration: (s: string) => { const m = DURATION.exec(s); return m ? Math.round(Number(m[1]) * units[m[2]!]!) : undefined },
      size: (s: string) => { const m = SIZE.exec(s); if (!m) return undefined; const v = Math.round(Number(m[1]) * sizes[m[2]!.toLowerCase()]!); return Number.isSafeInteger(v) ? v : undefined },
    }
    const alphabet = ['0', '1', '9', '.', ' ', '\t', '\u00a0', '\u2003', '\ufeff', 'm', 's', 'h', 'd', 'w', 'k', 'K', 'i', 'I', 'b', 'B', 'M', 'g', 'T', '-', '+', 'e', 'x']
    let seed = 42
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
    const cases = ['250ms', ' 2 h ', '1.5s', '1.', '.5s', '1.s', '1e3ms', '1E3ms', '1.5e-3s', '1e+21ms', '1e', '1e+ms', 'e3ms', '.e3s', '10KiB', '10 kib', '7TB', '3 B', '1s ', '1 s s', '5mib', '1e3kB', '.5MB']
    for (let i = 0; i < 50_000; i++) cases.push(Array.from({ length: 1 + random(7) }, () => alphabet[random(alphabet.length)]).join(''))
    for (const c of cases) {
      expect(parseDuration(c), JSON.stringify(c)).toBe(reference.duration(c))
      expect(parseSize(c), JSON.stringify(c)).toBe(reference.size(c))
    }
  })
})

describe('formatDuration', () => {
  it('picks the unit a person reads at a glance', () => {
    expect(formatDuration(0)).toBe('0 ms')
    expect(formatDuration(0.42)).toBe('420 µs')
    expect(formatDuration(0.005)).toBe('5.00 µs')
    expect(formatDuration(5.58)).toBe('5.58 ms')
    expect(formatDuration(16.94)).toBe('16.9 ms')
    expect(formatDuration(167)).toBe('167 ms')
    expect(formatDuration(1234)).toBe('1.23 s')
    expect(formatDuration(10_000)).toBe('10.0 s')
    expect(formatDuration(42_420)).toBe('42.4 s')
    expect(formatDuration(300_000)).toBe('5 min')
    expect(formatDuration(90_500)).toBe('1 min 31 s')
    expect(formatDuration(86_400_000)).toBe('24 h')
    expect(formatDuration(5_400_000)).toBe('1.5 h')
    expect(formatDuration(3 * 86_400_000)).toBe('3 d')
    expect(formatDuration(-12.5)).toBe('-12.5 ms')
    expect(formatDuration(Number.NaN)).toBe('NaN')
  })

  it('never shows a value rounded up to the size of the next unit', () => {
    expect(formatDuration(0.9996)).toBe('1.00 ms')
    expect(formatDuration(999.7)).toBe('1.00 s')
    expect(formatDuration(59_999)).toBe('1 min')
    expect(formatDuration(299_999)).toBe('5 min')
    expect(formatDuration(3_599_999)).toBe('1 h')
  })
})

describe('formatBytes', () => {
  it('decimal units, as configs write sizes, with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1536)).toBe('1.54 kB')
    expect(formatBytes(52_000_000)).toBe('52.0 MB')
    expect(formatBytes(parseSize('100MB')!)).toBe('100 MB')
    expect(formatBytes(parseSize('10KiB')!)).toBe('10.2 kB')
    expect(formatBytes(-2000)).toBe('-2.00 kB')
    expect(formatBytes(10.4)).toBe('10 B')
  })

  it('never shows 1000 of a unit', () => {
    expect(formatBytes(999_999)).toBe('1.00 MB')
    expect(formatBytes(999_960)).toBe('1.00 MB')
    expect(formatBytes(1e18)).toBe('1000 PB')
  })
})
