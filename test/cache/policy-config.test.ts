/**
 * `cache.policy` ('tinylfu' | 'lru', top level and per namespace) through the real config loader,
 * and wrap() callers that join a call in flight counting once each in the stats.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'
import { ConfigError } from '../../src/errors.js'
import { PKG, project } from '../config/_fixtures.js'
import { manager } from './_manager.js'

describe('cache.policy in the config', () => {
  it("defaults to 'lru' (API.md: least recently used evicted first); a namespace inherits it or sets its own", async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { namespaces: { a: {}, b: { policy: 'tinylfu' } } } }` })
    const config = await loadPerfConfig({ cwd: dir, noSnapshot: true })
    expect(config.cache.policy).toBe('lru')
    expect(config.cache.namespaces.a!.policy).toBe('lru')
    expect(config.cache.namespaces.b!.policy).toBe('tinylfu')
    const tiny = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { policy: 'tinylfu', namespaces: { a: {} } } }` })
    expect((await loadPerfConfig({ cwd: tiny, noSnapshot: true })).cache.namespaces.a!.policy).toBe('tinylfu')
  })

  it('a memory tier with no policy set evicts the least recently used entry first, as API.md says', async () => {
    const dir = tempDir('unperf-policy-default-')
    // room for three 1000-character values (2000 bytes each in memory), not four
    const perf = await createPerf({ rootDir: dir, cwd: dir, noExitHandlers: true, overrides: { cache: { driver: 'memory', maxSize: 7000, compress: false }, report: { console: false, dir } } })
    const v = 'x'.repeat(1000)
    for (const k of ['a', 'b', 'c']) await perf.cache.set(k, v)
    expect(await perf.cache.get('a')).toBe(v) // a is now used more recently than b and c
    await perf.cache.set('d', v)
    expect(await perf.cache.has('b')).toBe(false)
    for (const k of ['a', 'c', 'd']) expect(await perf.cache.has(k), k).toBe(true)
    expect(perf.cache.stats().evictions).toBe(1)
    await perf.close()
  })

  it('an unknown policy is a config error naming the key and the choices', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { policy: 'lfu', namespaces: { x: { policy: 'arc' } } } }` })
    const error = await loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues
    expect(issues.map(i => i.path).sort()).toEqual(['cache.namespaces.x.policy', 'cache.policy'])
    expect(issues[0]!.message).toContain("'lru', 'tinylfu'")
  })
})

describe('wrap() stats with concurrent callers', () => {
  it('each call counts once: joiners of a load are misses, joiners of a hit are hits', async () => {
    const { cache, hooks } = manager({ driver: 'memory' })
    let hitEvents = 0
    hooks.hook('cache:hit', () => { hitEvents++ })
    let calls = 0
    const fn = async () => { calls++; await new Promise(r => setTimeout(r, 5)); return 'v' }
    await Promise.all(Array.from({ length: 100 }, () => cache.wrap('k', fn)))
    expect(calls).toBe(1)
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 100 })
    await Promise.all(Array.from({ length: 100 }, () => cache.wrap('k', fn)))
    expect(cache.stats()).toMatchObject({ hits: 100, misses: 100, hitRate: 0.5 })
    expect(hitEvents).toBe(100)
  })
})
