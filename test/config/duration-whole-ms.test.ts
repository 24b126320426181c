/**
 * Durations are whole milliseconds, written as a number or a string alike: a string with a fraction
 * was rounded ('1.5ms' → 2, '0.4ms' → 0 and so refused where 0 is) while a number was kept as written
 * (`timeout: 0.5` a half-ms timer, `ttl: 0.4` an entry expiring at once, both accepted). A number is now
 * rounded as a string is, in the config, per-call options and parseDuration(), and one that rounds to
 * 0 is refused where 0 is, saying that it rounds to 0.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { parseDuration } from '../../src/config/units.js'
import { ConfigError } from '../../src/errors.js'
import { createPerf } from '../../src/index.js'
import { Pool } from '../../src/runtime/pool.js'
import { pool } from '../runtime/_ctx.js'
import { BASE, projectWith } from '../helpers/project.js'
import { PKG, project } from './_fixtures.js'

const load = (config: string) => loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.mjs': `export default ${config}` }), noSnapshot: true })

async function issuesOf(config: string): Promise<string[]> {
  const error = await load(config).then(() => undefined, (e: unknown) => e)
  expect(error, config).toBeInstanceOf(ConfigError)
  return (error as ConfigError).issues.map(i => i.message.replace(/^perf\.config\.mjs(:\d+:\d+)?: /, ''))
}

describe('durations are whole ms, numbers as strings', () => {
  it('parseDuration rounds a number as it rounds a string', () => {
    for (const [n, s] of [[2.5, '2.5ms'], [1500.4, '1500.4ms'], [0.4, '0.4ms'], [0.5, '0.5ms'], [42, '42ms']] as const) {
      expect(parseDuration(n), String(n)).toBe(parseDuration(s))
    }
    expect(parseDuration(2.5)).toBe(3)
    expect(parseDuration(0.4)).toBe(0)
  })

  it('the config resolves a number with a fraction to whole ms, as the same string', async () => {
    const config = await load("{ cache: { timeout: 0.5, ttl: 1500.6, namespaces: { a: { ttl: '1500.6ms' } } }, concurrency: { workers: { timeout: 2.5 } }, monitors: { interval: 99.5 } }")
    expect(config.cache.timeout).toBe(1)
    expect(config.cache.ttl).toBe(1501)
    expect(config.cache.namespaces.a!.ttl).toBe(1501)
    expect(config.concurrency.workers.timeout).toBe(3)
    expect(config.monitors.interval).toBe(100)
  })

  it('one that rounds to 0 is refused where 0 is, number or string, saying so', async () => {
    expect(await issuesOf("{ cache: { ttl: 0.4, timeout: '0.4ms', scopeMaxAge: 0.2 }, monitors: { interval: '0.0001s' } }")).toEqual([
      "cache.ttl: expected a duration greater than 0 (0 is ambiguous: use false for 'never expires') (durations are whole ms: 0.4 rounds to 0), got 0.4",
      "cache.timeout: expected a duration greater than 0 (durations are whole ms: '0.4ms' rounds to 0), got '0.4ms'",
      'cache.scopeMaxAge: expected a duration greater than 0 (durations are whole ms: 0.2 rounds to 0), got 0.2',
      "monitors.interval: expected a duration greater than 0 (durations are whole ms: '0.0001s' rounds to 0), got '0.0001s'",
    ])
    // 0 itself keeps its message, without the hint
    expect(await issuesOf('{ cache: { ttl: 0 } }')).toEqual(["cache.ttl: expected a duration greater than 0 (0 is ambiguous: use false for 'never expires'), got 0"])
  })

  it('a per-call ttl or pool timeout that rounds to 0 is a TypeError saying so; 0.6 is 1 ms', async () => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    await expect(perf.cache.set('k', 1, { ttl: 0.4 })).rejects.toThrow(new TypeError("[unperf] cache.set('k'): ttl must be a duration > 0 or false, got 0.4 (durations are whole ms: 0.4 rounds to 0)"))
    await expect(perf.cache.wrap('k', async () => 1, { ttl: '0.4ms' })).rejects.toThrow(new TypeError("[unperf] cache.wrap('k'): ttl must be a duration > 0 or false, got 0.4ms (durations are whole ms: '0.4ms' rounds to 0)"))
    expect(await perf.cache.has('k')).toBe(false)
    await perf.close()
    const p = new Pool('net', pool({ concurrency: 1 }), undefined)
    await expect(p.run(() => 'ran', { timeout: 0.4 })).rejects.toThrow(new TypeError(
      "[unperf] pool 'net': run(fn, { timeout }): timeout must be a duration greater than 0 ('2s', or a number of ms), or false for none (durations are whole ms: 0.4 rounds to 0), got 0.4"))
    expect(await p.run(() => 'ran', { timeout: 0.6 })).toBe('ran')
  })
})
