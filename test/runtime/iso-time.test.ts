import { describe, expect, it } from 'vitest'
import { isoTime } from '../../src/runtime/iso-time.js'
import { redact, redactArgv } from '../../src/runtime/warn.js'
import { createTracer } from '../../src/runtime/span.js'

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

describe('redactArgv', () => {
  it('redacts secret flags with = and the value after a secret flag given without it', () => {
    const argv = ['build', '--token=abc', '--password', 'hunter2', '--api-key=K1', '--secret', 'S2', '--private-key', 'PK4',
      '--npm-token', 'NT6', '--client-secret', 'CS7', '--auth-token=AT8', '--access_key', 'AK9', 'GITHUB_TOKEN=GT5', 'redis://u:pw@h:6379']
    const out = redactArgv(argv)
    for (const secret of ['abc', 'hunter2', 'K1', 'S2', 'PK4', 'NT6', 'CS7', 'AT8', 'AK9', 'GT5', 'pw@']) expect(out.join(' ')).not.toContain(secret)
    expect(out).toEqual(['build', '--token=***', '--password', '***', '--api-key=***', '--secret', '***', '--private-key', '***',
      '--npm-token', '***', '--client-secret', '***', '--auth-token=***', '--access_key', '***', 'GITHUB_TOKEN=***', 'redis://u:***@h:6379'])
  })

  it('leaves other flags and a secret flag followed by another flag alone', () => {
    expect(redactArgv(['--token-file', 'tok.txt', '--verbose', 'src/a.ts', '--passes', '3'])).toEqual(['--token-file', 'tok.txt', '--verbose', 'src/a.ts', '--passes', '3'])
    expect(redactArgv(['--password', '--verbose'])).toEqual(['--password', '--verbose'])
    expect(redactArgv(['--password'])).toEqual(['--password'])
  })

  it("keeps secrets out of trace.json's process name", () => {
    const saved = process.argv
    try {
      process.argv = [saved[0]!, '/app/cli.mjs', '--token=abc']
      expect(JSON.stringify(createTracer().traceEvents())).not.toContain('abc')
      process.argv = [saved[0]!, '/app/cli.mjs', '--password', 'hunter2']
      expect(JSON.stringify(createTracer().traceEvents())).not.toContain('hunter2')
    } finally {
      process.argv = saved
    }
  })
})
