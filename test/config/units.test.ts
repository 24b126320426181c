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
    for (const bad of ['-1s', '1y', '', 'ms', -5, Number.NaN, Number.POSITIVE_INFINITY, null, {}]) expect(parseDuration(bad)).toBeUndefined()
    expect(parseSize('10kB')).toBe(10_000)
    expect(parseSize('10KiB')).toBe(10_240)
    expect(parseSize('1.5MB')).toBe(1_500_000)
    expect(parseSize(512)).toBe(512)
    for (const bad of ['-1kB', '10 parsecs', '', -1, Number.NaN, '1e30TB']) expect(parseSize(bad)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  it('picks the unit a person reads at a glance', () => {
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
