/**
 * A duration or size string's number as the types take it (`Duration` is `${number}${unit}`):
 * `'.5s'` and `'1e3ms'` type-checked in `definePerfConfig` and failed at load (`expected a duration
 * like '10m'`), as did a computed `${n}ms` that String(n) writes with an exponent. They load now,
 * through the JSON Schema's patterns and the resolver alike; a sign or a hex literal, which the types
 * also take, is still refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { tempDir } from '../helpers/tmp.js'

function project(config: string): string {
  const dir = tempDir('unperf-unit-forms-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'unit-forms', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), `import { definePerfConfig } from 'unperf/config'\nexport default definePerfConfig(${config})\n`)
  return dir
}

describe('duration and size strings: the number as `${number}` writes it', () => {
  it("'.5s', '1e3ms', '1.5e3kB' and '.5MB' load as the types take them, alert thresholds too", async () => {
    const dir = project(`{ cache: { ttl: '.5s', timeout: '1e3ms', maxSize: '1.5e3kB', compress: '.5MB' }, monitors: { alerts: { 'memory.rss': { above: '1e2MB', for: '.5m' } } } }`)
    const config = await loadPerfConfig({ cwd: dir, env: 'production', noSnapshot: true })
    expect([config.cache.ttl, config.cache.timeout, config.cache.maxSize, config.cache.compress]).toEqual([500, 1000, 1_500_000, 500_000])
    expect(config.monitors.alerts['memory.rss']).toMatchObject({ above: 100_000_000, for: 30_000 })
  })

  it("a negative or hex number is still a config error at its key path; '0e3ms' and '.4ms' still round to a refused 0", async () => {
    const dir = project(`{ cache: { ttl: '-1s' as '1s', timeout: '0x10ms' as '1ms', scopeMaxAge: '.4ms' }, monitors: { interval: '0e3ms' } }`)
    const error = await loadPerfConfig({ cwd: dir, env: 'production', noSnapshot: true }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues.map(i => i.path)).toEqual(['cache.ttl', 'cache.timeout', 'cache.scopeMaxAge', 'monitors.interval'])
  })
})
