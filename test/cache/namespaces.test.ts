/**
 * Issue 4, plugins: each plugin's cache is its own `plugin:<name>` namespace that no API call on
 * another namespace reaches; `shared` is one namespace for all; a plugin's cache is cleared by name.
 * A sliding namespace's hit pushes an entry's expiry out, never in. Any name is a namespace, 'constructor' too.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { manager } from './_manager.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { storedNamespaces } from '../../src/runtime/cache/index.js'
import type { DriverConfig } from '../../src/config/types.js'

/** A first run leaves namespaces in `driver` that a later run on the same scope never opens. */
async function leftByAnotherRun(driver: DriverConfig) {
  const first = manager({ driver, namespaces: { templates: {} } })
  await first.m.namespace('adhoc').set('k', 1)
  await first.m.namespace('with:colon/and space').set('k', 2)
  await first.m.pluginNamespace('git').set('head', 'abc')
  await first.m.pluginNamespace('deps').set('graph', [1, 2])
  await first.m.close()
  return manager({ driver, dir: first.dir, cwd: first.cwd, namespaces: { templates: {} } })
}
const LEFT = ['adhoc', 'default', 'plugin:deps', 'plugin:git', 'templates', 'with:colon/and space']

describe('namespaces', () => {
  it('plugin namespaces are reserved: not reachable by name, and a plugin cannot open others', async () => {
    const { m, cache } = manager({ driver: 'fs' })
    expect(() => cache.namespace('plugin:git')).toThrow(expect.objectContaining({ code: expect.any(String) }))
    expect(() => m.namespace('plugin:git')).toThrow(/plugin:git/)
    const git = m.pluginNamespace('git')
    expect(() => git.namespace('default')).toThrow()
    expect(() => git.namespace('plugin:other')).toThrow()
    await m.close()
  })

  it('no call on another namespace reads, lists, invalidates or clears a plugin\'s entries', async () => {
    const { m, cache } = manager({ driver: 'fs' })
    const git = m.pluginNamespace('git')
    const deps = m.pluginNamespace('deps')
    await git.set('k', 'git-value')
    await deps.set('k', 'deps-value')
    await cache.set('k', 'root-value')
    await m.shared.set('k', 'shared-value')
    expect(await cache.get('k')).toBe('root-value')
    expect(await git.get('k')).toBe('git-value')
    expect(await deps.get('k')).toBe('deps-value')
    expect(await cache.keys()).toEqual(['k'])
    expect(await cache.invalidate('*')).toBe(1)
    expect(await cache.clear()).toBe(0)
    expect(await m.shared.clear()).toBe(1)
    expect(await git.get('k')).toBe('git-value')
    // clearing one plugin's cache by name
    expect(await m.pluginNamespace('deps').clear()).toBe(1)
    expect(await deps.get('k')).toBeNull()
    expect(await git.get('k')).toBe('git-value')
    await m.close()
  })

  it("info() lists the namespaces other runs left on disk (opened by name, plugins'); a plugin's info() names no other plugin's", async () => {
    const first = manager({ driver: 'fs', namespaces: { templates: {} } })
    await first.m.namespace('adhoc').set('k', 1)
    await first.m.pluginNamespace('git').set('head', 'abc')
    await first.m.pluginNamespace('deps').set('graph', [1, 2])
    await first.m.close()
    // a later run on the same scope that opens none of them
    const { m, cache } = manager({ driver: 'fs', dir: first.dir, cwd: first.cwd, namespaces: { templates: {} } })
    const info = await cache.info()
    expect([...info.namespaces].sort()).toEqual(['adhoc', 'default', 'plugin:deps', 'plugin:git', 'templates'])
    expect(info.total.entries).toBe(3)
    // a plugin's namespace: the host's namespaces and its own, no other plugin's (on disk or opened here)
    m.pluginNamespace('opened-here')
    const git = await m.pluginNamespace('git').info()
    expect([...git.namespaces].sort()).toEqual(['adhoc', 'default', 'plugin:git', 'templates'])
    expect(git.entries).toBe(1)
    expect((await cache.info()).namespaces).toContain('plugin:opened-here')
    await m.close()
  })

  it('shared is one namespace for all; stats are per namespace and in total', async () => {
    const { m } = manager({ driver: 'memory' })
    await m.shared.set('git-info', { branch: 'main' })
    expect(await m.namespace('shared').get('git-info')).toEqual({ branch: 'main' })
    await m.pluginNamespace('a').get('missing')
    const s = m.stats()
    expect(s.namespaces['shared']!.hits).toBe(1)
    expect(s.namespaces['plugin:a']!.misses).toBe(1)
    expect(s.hits).toBe(1)
    expect(s.misses).toBe(1)
    expect(s.hitRate).toBe(0.5)
    await m.close()
  })
})

describe('UNPERF_CACHE=0', () => {
  afterEach(() => { delete process.env.UNPERF_CACHE })
  it('makes every namespace a pass-through even when the config says enabled', async () => {
    process.env.UNPERF_CACHE = '0'
    const { m, cache, dir } = manager({ driver: 'fs', enabled: true })
    let calls = 0
    await cache.set('k', 1)
    expect(await cache.get('k')).toBeNull()
    expect(await cache.wrap('w', () => ++calls)).toBe(1)
    expect(await cache.wrap('w', () => ++calls)).toBe(2)
    expect(m.stats().misses).toBeGreaterThan(0)
    await m.close()
    expect(dir).toBeTruthy()
  })
})

describe('sliding namespaces', () => {
  for (const driver of ['memory', 'fs'] as const) {
    it(`${driver}: a hit pushes the expiry out to the namespace ttl, never in (an entry set with a longer ttl keeps it)`, async () => {
      const { m } = manager({ driver, namespaces: { sessions: { ttl: 300, sliding: true } } })
      const s = m.namespace('sessions')
      await s.set('remember-me', 'alice', { ttl: 60_000 })
      await s.set('sid', 'bob')
      const before = (await s.getEntry('remember-me'))!.expiresAt!
      for (let i = 0; i < 3; i++) expect(await s.get('remember-me')).toBe('alice')
      await new Promise(r => setTimeout(r, 20)) // the extensions are written in the background
      const after = (await s.getEntry('remember-me'))!.expiresAt!
      expect(after).toBe(before)
      expect(after - Date.now()).toBeGreaterThan(50_000)
      // the default-ttl entry slides
      const sid = (await s.getEntry('sid'))!.expiresAt!
      await new Promise(r => setTimeout(r, 50))
      expect(await s.get('sid')).toBe('bob')
      await new Promise(r => setTimeout(r, 20))
      expect((await s.getEntry('sid'))!.expiresAt!).toBeGreaterThan(sid)
      await m.close()
    })

    it(`${driver}: getEntry() is a hit too, and gives the expiry that hit set (it gave the one it replaced)`, async () => {
      const { m } = manager({ driver, namespaces: { sessions: { ttl: 60_000, sliding: true } } })
      const s = m.namespace('sessions')
      await s.set('short', 'carol', { ttl: 1000 })
      expect((await s.getEntry('short'))!.expiresAt! - Date.now()).toBeGreaterThan(50_000)
      await m.close()
    })
  }
})

describe('namespace names', () => {
  it("names of Object.prototype's members are namespaces like any other (root settings, own stats)", async () => {
    const { m } = manager({ driver: 'fs', namespaces: { declared: { ttl: 5000 } } })
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const ns = m.namespace(name)
      await ns.set('k', name)
      expect(await ns.get('k')).toBe(name)
      expect((await ns.getEntry('k'))!.expiresAt! - Date.now()).toBeGreaterThan(50_000) // the root ttl (60 s), not undefined
    }
    const stats = m.stats()
    expect(Object.keys(stats.namespaces).sort()).toEqual(['__proto__', 'constructor', 'default', 'hasOwnProperty', 'toString'])
    expect(stats.namespaces['__proto__']!.sets).toBe(1)
    await m.close()
  })
})

describe('namespaces stored only in a remote tier', () => {
  it('an unstorage driver tier (fs-lite): info() and storedNamespaces() find them, a plugin sees no other plugin', async () => {
    const base = tempDir('unperf-unstorage-')
    const { m, cache, config } = await leftByAnotherRun({ driver: 'fs-lite', base })
    expect([...(await cache.info()).namespaces].sort()).toEqual(LEFT)
    expect((await storedNamespaces(config)).sort()).toEqual(['adhoc', 'plugin:deps', 'plugin:git', 'with:colon/and space'])
    expect([...(await m.pluginNamespace('git').info()).namespaces].sort()).toEqual(LEFT.filter(n => n !== 'plugin:deps'))
    await m.close()
  })

  it('a Redis that does not answer: info() still answers, with the namespaces it knows', async () => {
    // a port nothing listens on (ECONNREFUSED; ioredis keeps retrying): bounded by a few of cache.timeout
    const { m, cache, config } = manager({ driver: { driver: 'redis', url: 'redis://127.0.0.1:9' }, timeout: 100, namespaces: { templates: {} } })
    m.namespace('opened-here')
    expect([...(await cache.info()).namespaces].sort()).toEqual(['default', 'opened-here', 'templates'])
    // a tier that could not list its keys is named, with why (`unperf cache ... --all` warns with it)
    const unlisted: string[] = []
    expect(await storedNamespaces(config, undefined, { boundMs: 300, onUnlisted: (kind, reason) => unlisted.push(`${kind}: ${reason}`) })).toEqual([])
    expect(unlisted).toHaveLength(1)
    // the connection's own error, not ioredis' "Reached the max retries per request limit"
    expect(unlisted[0]).toMatch(/^redis: (no answer within 300 ms|connect ECONNREFUSED 127\.0\.0\.1:9)$/)
    await m.close()
  })
})

describeRedis('namespaces stored only in redis', () => {
  it('info() and storedNamespaces() find those another run left (one SCAN of the scope); a plugin sees no other plugin', async () => {
    const { m, cache, config } = await leftByAnotherRun({ driver: 'redis', url: redisUrl! })
    expect([...(await cache.info()).namespaces].sort()).toEqual(LEFT)
    expect((await storedNamespaces(config)).sort()).toEqual(['adhoc', 'plugin:deps', 'plugin:git', 'with:colon/and space'])
    expect([...(await m.pluginNamespace('git').info()).namespaces].sort()).toEqual(LEFT.filter(n => n !== 'plugin:deps'))
    // the wrap() lock keys of the scope are not namespaces
    await m.namespace('adhoc').wrap('locked', async () => 1)
    expect((await storedNamespaces(config)).sort()).toEqual(['adhoc', 'plugin:deps', 'plugin:git', 'with:colon/and space'])
    await m.close()
  })
})


/**
 * A namespace name with a lone surrogate has no URI form: its dir and key segment are made with
 * encodeURIComponent, and its first use failed the whole cache (`the cache failed (URI malformed)`).
 * Refused where it is opened, as an empty name is.
 */
describe('a namespace name with a lone surrogate', () => {
  it('is a TypeError from namespace(); other names, emoji included, still work', async () => {
    const { cache, m } = manager({ driver: 'fs' })
    expect(() => cache.namespace('\ud800')).toThrow(/a cache namespace name is a non-empty string without lone UTF-16 surrogates, got "\\ud800"/)
    expect(() => cache.namespace(`x${'😀'.slice(0, 1)}`)).toThrow(TypeError)
    const ok = cache.namespace('😀')
    await ok.set('k', 1)
    expect(await ok.get('k')).toBe(1)
    await m.close()
  })
})
