import { describe, expect, it } from 'vitest'
import { isoTime } from '../../src/runtime/iso-time.js'
import { redact } from '../../src/runtime/warn.js'

describe('isoTime', () => {
  it('matches Date#toISOString across eras, leap days and day boundaries', () => {
    const fixed = [0, 1, 999, 86_399_999, 86_400_000, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(1900, 2, 1), Date.UTC(2100, 1, 28, 12), Date.UTC(1969, 11, 31, 23, 59, 59, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(1, 0, 1)]
    for (const ms of fixed) expect(isoTime(ms)).toBe(new Date(ms).toISOString())
    let seed = 42
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((random() * 2 - 0.6) * 4e12)
      expect(isoTime(ms)).toBe(new Date(ms).toISOString())
    }
  })
})

describe('redact', () => {
  it('leaves plain text alone and still redacts every pattern', () => {
    expect(redact('build --watch src/index.ts')).toBe('build --watch src/index.ts')
    expect(redact('redis://user:pa55@host:6379')).toBe('redis://user:***@host:6379')
    expect(redact('https://tok@example.com')).toBe('https://***@example.com')
    expect(redact('GITHUB_TOKEN=abc123')).toBe('GITHUB_TOKEN=***')
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer ***')
    expect(redact('Basic dXNlcjpwYXNz')).toBe('Basic ***')
  })
})
