/**
 * An unstorage driver named in the config (`{ driver: 'lru-cache', ...options }`) that unstorage has
 * not is a config error naming the key path and the name meant: it passed validation, and a run
 * found it on the tier's first use (a warning, the tier skipped, commands going on without it), or
 * `unperf doctor` did. Checked in every env block too (a typo in `$env.ci` failed only on CI), and
 * only by name: the driver is not imported at load.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { tempDir } from '../helpers/tmp.js'

function project(config: string): string {
  const dir = tempDir('unperf-driver-names-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'driver-names', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default ${config}\n`)
  return dir
}

const load = (dir: string, env = 'production') => loadPerfConfig({ cwd: dir, env, noSnapshot: true }).then(() => undefined, (e: unknown) => e)

describe('unstorage driver names in the config', () => {
  it('a name unstorage has not is a ConfigError at its key path, with the name meant, in the tiers, a namespace, historyDriver and every env block', async () => {
    const dir = project(`{
      cache: { driver: ['memory', { driver: 'lru-cach' }], namespaces: { t: { driver: { driver: 'nope-driver' } } } },
      report: { historyDriver: { driver: 'fs-litee', base: './h' } },
      $env: { ci: { cache: { driver: ['memory', { driver: 'lru_cache' }] } } },
    }`)
    const error = await load(dir)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues.map(i => [i.file, i.path, i.found])).toEqual([
      ['perf.config.mjs', 'cache.driver[1].driver', 'lru-cach'],
      ['perf.config.mjs', 'cache.namespaces.t.driver.driver', 'nope-driver'],
      ['perf.config.mjs', 'report.historyDriver.driver', 'fs-litee'],
      ['perf.config.mjs', '$env.ci.cache.driver[1].driver', 'lru_cache'],
    ])
    expect((error as ConfigError).message).toContain("cache.driver[1].driver: expected 'memory', 'fs', 'redis' (unperf's tiers) or an unstorage driver's name; did you mean 'lru-cache'?")
    expect((error as ConfigError).message).toContain("report.historyDriver.driver: expected 'memory', 'fs', 'redis' (unperf's tiers) or an unstorage driver's name; did you mean 'fs-lite'?")
    // in the env whose block sets it: named where it is written, once
    const ci = await load(project(`{ $env: { ci: { cache: { driver: ['memory', { driver: 'lru-cach' }] } } } }`), 'ci')
    expect((ci as ConfigError).issues.map(i => i.path)).toEqual(['$env.ci.cache.driver[1].driver'])
  })

  it("a misspelt tier of unperf's own ({ driver: 'reddis' }): the message names unperf's tiers apart from unstorage's drivers", async () => {
    const error = await load(project(`{ cache: { driver: ['memory', { driver: 'reddis', url: 'redis://127.0.0.1:6379' }] } }`))
    expect((error as ConfigError).issues.map(i => [i.path, i.found])).toEqual([['cache.driver[1].driver', 'reddis']])
    const message = (error as ConfigError).issues[0]!.message
    expect(message).toContain("cache.driver[1].driver: expected 'memory', 'fs', 'redis' (unperf's tiers) or an unstorage driver's name; did you mean 'redis'?")
    // unstorage's list without the names that are unperf's tiers here
    expect(message).toMatch(/\(unstorage's: azure-app-configuration, .*lru-cache.*; a driver of your own goes in as an instance\)/)
    expect(message.slice(message.indexOf("(unstorage's:"))).not.toMatch(/\b(redis|memory|fs),/)
  })

  it("unstorage's drivers, unperf's own and a driver instance load", async () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs', { driver: 'lru-cache', max: 10 }], namespaces: {
      own: { driver: { driver: 'anything', getItem() { return null }, setItem() {}, hasItem() { return false }, removeItem() {}, getKeys() { return [] } } },
    } } }`)
    const config = await loadPerfConfig({ cwd: dir, env: 'production', noSnapshot: true })
    expect(config.cache.driver).toEqual(['memory', 'fs', 'lru-cache'])
  })
})
