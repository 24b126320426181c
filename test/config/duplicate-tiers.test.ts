/**
 * A tier list that names the same store twice (`['memory', 'memory']`, `['fs', 'fs']`, one redis url
 * twice) was accepted: each entry was written to it twice and a read saw the same tier twice. It is a
 * config error naming the repeated entry's key path and the one it repeats; two redis tiers on other
 * urls, dbs or key prefixes stay legal.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

const withCache = (cache: string) => project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: ${cache} }` })

async function issuesOf(cache: string): Promise<ConfigError['issues']> {
  const error = await loadPerfConfig({ cwd: withCache(cache), noSnapshot: true }).then(() => undefined, (e: unknown) => e)
  expect(error, cache).toBeInstanceOf(ConfigError)
  return (error as ConfigError).issues
}

const REPEATS = (path: string, first: string) => `${path}: expected a tier other than ${first} (it names the same store: each entry would be written to it twice)`

describe('a tier list naming one store twice', () => {
  it.each([
    ["{ driver: ['memory', 'memory'] }", 'cache.driver[1]', 'cache.driver[0]', "'memory'"],
    ["{ driver: ['fs', 'fs'] }", 'cache.driver[1]', 'cache.driver[0]', "'fs'"],
    // the default dir written out is the same dir
    ["{ driver: ['memory', 'fs', { driver: 'fs' }] }", 'cache.driver[2]', 'cache.driver[1]', 'an object'],
    ["{ dir: './c', driver: ['fs', { driver: 'fs', base: './c' }] }", 'cache.driver[1]', 'cache.driver[0]', 'an object'],
    ["{ driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:6379/2' }, { driver: 'redis', url: 'redis://127.0.0.1:6379/2' }] }", 'cache.driver[2]', 'cache.driver[1]', 'an object'],
    ["{ driver: 'memory', namespaces: { x: { driver: ['memory', 'fs', 'memory'] } } }", 'cache.namespaces.x.driver[2]', 'cache.namespaces.x.driver[0]', "'memory'"],
  ])('%s: a config error at %s naming %s', async (cache, path, first, found) => {
    const issues = await issuesOf(cache)
    expect(issues.map(i => i.message.replace(/^perf\.config\.ts(:\d+:\d+)?: /, ''))).toEqual([`${REPEATS(path, first)}, got ${found}`])
  })

  it('one driver instance twice is one store too', async () => {
    const issues = await issuesOf("(() => { const d = { getItem: () => null, setItem() {}, hasItem: () => false, removeItem() {}, getKeys: () => [] }; return { driver: ['memory', d, d] } })()")
    expect(issues.map(i => i.path)).toEqual(['cache.driver[2]'])
  })

  it('two redis tiers on other urls, dbs or key prefixes, and two fs tiers on other dirs, stay legal', async () => {
    for (const cache of [
      "{ driver: [{ driver: 'redis', url: 'redis://127.0.0.1:6379/1' }, { driver: 'redis', url: 'redis://127.0.0.1:6379/2' }] }",
      "{ driver: [{ driver: 'redis', url: 'redis://10.0.0.1:6379' }, { driver: 'redis', url: 'redis://10.0.0.2:6379' }] }",
      "{ driver: [{ driver: 'redis', host: '127.0.0.1', db: 1 }, { driver: 'redis', host: '127.0.0.1', db: 2 }] }",
      "{ driver: [{ driver: 'redis', host: '127.0.0.1', base: 'a' }, { driver: 'redis', host: '127.0.0.1', base: 'b' }] }",
      "{ driver: ['fs', { driver: 'fs', base: './other' }] }",
      "{ driver: ['memory', 'fs'], namespaces: { x: { driver: ['memory', 'fs'] } } }",
    ]) await expect(loadPerfConfig({ cwd: withCache(cache), noSnapshot: true }), cache).resolves.toBeDefined()
  })

  it('unperf config exits 2 with the message', () => {
    const r = unperf(withCache("{ driver: ['memory', 'memory'] }"), 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(REPEATS('cache.driver[1]', 'cache.driver[0]'))
  })
})
