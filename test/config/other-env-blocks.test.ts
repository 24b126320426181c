/**
 * A block of an env the run is not in (`$test` in production, `$env.ci` on a laptop) is checked
 * by the resolver too, not only for its shape: `$env: { ci: { cache: { ttl: 0 } } }` passed every
 * laptop run and failed the first CI job; the shipped schema (editors, ajv) already refused it.
 * A value missing there is no problem (`url: process.env.REDIS_URL`, unset off CI; the schema's
 * check of a missing value was made in every env, and failed a laptop on an unset pushgateway), and a check
 * that depends on the rest of the config is made as that env would see it (a system alert in
 * `$env.ci` beside the base's `monitors.system: true`).
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import type { ConfigError } from '../../src/errors.js'
import { PKG, project } from './_fixtures.js'

const errorOf = (dir: string, env: string) => loadPerfConfig({ cwd: dir, env }).then(() => undefined, (e: unknown) => e as ConfigError)

describe('env blocks of other envs', () => {
  it("the resolver's problems in them fail every env's load, named at the block's path and line", async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': [
        `export default {`,
        `  cache: { ttl: '1h' },`,
        `  $test: { cache: { ttl: 0 } },`,
        `  $env: { ci: { cache: { timeout: '0ms', driver: ['memory', { driver: 'redis', url: 'redis://h:6379', pasword: 'x', port: 70000 }] } } },`,
        `}`,
      ].join('\n'),
    })
    for (const env of ['production', 'development', 'test', 'ci']) {
      const error = await errorOf(dir, env)
      expect(error?.issues.map(i => i.path).sort(), env).toEqual([
        '$env.ci.cache.driver[1].pasword', '$env.ci.cache.driver[1].port', '$env.ci.cache.timeout', '$test.cache.ttl',
      ])
    }
    const error = await errorOf(dir, 'production')
    expect(error!.message).toContain("perf.config.ts:3:21: $test.cache.ttl: expected a duration greater than 0 (0 is ambiguous: use false for 'never expires'), got 0")
    expect(error!.message).toContain('perf.config.ts:4:26: $env.ci.cache.timeout: expected a duration greater than 0')
  })

  it('beside a problem of the schema, each reported once', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: 'forever' }, $test: { cache: { ttl: 0 } }, $env: { ci: { cache: { ttl: '1 hour', timeout: 0 } } } }` })
    const error = await errorOf(dir, 'production')
    expect(error!.issues.map(i => i.path).sort()).toEqual(['$env.ci.cache.timeout', '$env.ci.cache.ttl', '$test.cache.ttl', 'cache.ttl'])
    expect(error!.issues.filter(i => i.path === '$env.ci.cache.ttl')).toHaveLength(1)
  })

  it("API.md's $env.ci (a redis url from an unset REDIS_URL) and checks that need the base config pass off CI", async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default {
        monitors: { system: true },
        $development: { cache: { driver: 'memory' } },
        $test: { cache: { enabled: false } },
        $env: {
          ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: process.env.UNPERF_TEST_UNSET_URL }] }, budgets: { mode: 'error' }, monitors: { alerts: { 'system.load.percent': 90 } } },
          staging: { report: { historyDriver: { driver: 'redis', url: process.env.UNPERF_TEST_UNSET_URL } } },
          // the schema's own check of a missing value (a pushgateway, a grouping label from the CI's variables)
          push: { monitors: { prometheus: { pushgateway: process.env.UNPERF_TEST_UNSET_URL, grouping: { instance: process.env.UNPERF_TEST_UNSET_URL } } } },
        },
      }`,
    })
    for (const env of ['production', 'development', 'test']) expect((await loadPerfConfig({ cwd: dir, env })).env).toBe(env)
    // an empty variable (\`REDIS_URL=\`) is as unset
    process.env.UNPERF_TEST_UNSET_URL = ''
    try {
      expect((await loadPerfConfig({ cwd: dir, env: 'production', noSnapshot: true })).env).toBe('production')
    } finally {
      delete process.env.UNPERF_TEST_UNSET_URL
    }
    // where the block applies, its missing url is the error API.md asks for
    expect((await errorOf(dir, 'ci'))!.issues.map(i => i.path)).toEqual(['$env.ci.cache.driver[2].url'])
    expect((await errorOf(dir, 'push'))!.issues.map(i => i.path).sort()).toEqual(['$env.push.monitors.prometheus.grouping.instance', '$env.push.monitors.prometheus.pushgateway'])
  })

  it("checks the env blocks of createPerf's and loadPerfConfig's overrides as well, named where written (another env's were dropped, the run's own told at the merged path)", async () => {
    const dir = project({ 'package.json': PKG })
    for (const env of ['production', 'ci']) {
      const error = await loadPerfConfig({ cwd: dir, env, overrides: { $env: { ci: { cache: { ttl: 0 } } }, $test: { cache: { timeout: '0ms' } } } }).then(() => undefined, (e: unknown) => e as ConfigError)
      expect(error?.issues.map(i => [i.file, i.path]), env).toEqual(expect.arrayContaining([['loadPerfConfig({ overrides })', '$env.ci.cache.ttl'], ['loadPerfConfig({ overrides })', '$test.cache.timeout']]))
    }
  })
})
