/**
 * The namespaces opened after the first (a CLI's 20 plugins' own) build their memory and fs tiers
 * at once (NamespaceHost.tiersNow): no build's promises on their first read. The tiers are the
 * ones the first namespace's build makes: the same dirs, the place tag of their own namespace, the
 * cap over all namespaces; before the scope is known, and for a config with a remote tier, the
 * build is awaited as before.
 */
import { copyFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CacheNamespace } from '../../src/runtime/cache/namespace.js'
import { buildManager } from './_config.js'
import { tempDir } from '../helpers/tmp.js'
import { redisUrl } from '../helpers/redis.js'

const PLUGINS = Array.from({ length: 20 }, (_, i) => `p${i + 1}`)
const tiersOf = (ns: unknown) => (ns as CacheNamespace)._tiers

function nsDir(dir: string, ns: string): string {
  const scope = readdirSync(dir).find(n => n.startsWith('s_'))!
  return join(dir, scope, `n-${ns}`)
}

describe('tiers built at once', () => {
  it('20 plugin namespaces after the first: built at once, each reads its own entry from its own dir', async () => {
    const dir = tempDir('unperf-now-')
    const cwd = tempDir('unperf-now-cwd-')
    const first = buildManager({ driver: ['memory', 'fs'], dir, cwd })
    for (const p of PLUGINS) await first.m.pluginNamespace(p).set('index', { plugin: p })
    await first.m.close()

    const { m } = buildManager({ driver: ['memory', 'fs'], dir, cwd })
    // the scope not resolved yet: nothing to build at once
    expect(tiersOf(m.pluginNamespace('p1')).guardsNow()).toBeUndefined()
    expect(await m.pluginNamespace('p1').get('index')).toEqual({ plugin: 'p1' })
    for (const p of PLUGINS.slice(1)) {
      const ns = m.pluginNamespace(p)
      const guards = tiersOf(ns).guardsNow()
      expect(guards?.map(g => g.tier.kind)).toEqual(['memory', 'fs'])
      expect(tiersOf(ns).ready).toBe(guards)
      expect(await ns.get('index')).toEqual({ plugin: p })
    }
    expect(m.stats().namespaces['plugin:p20']).toMatchObject({ hits: 1, misses: 0 })
    await m.close()
  })

  it("a tier built at once checks its own namespace's place tag: another plugin's entry copied into its dir is not served", async () => {
    const dir = tempDir('unperf-now-')
    const cwd = tempDir('unperf-now-cwd-')
    const first = buildManager({ driver: ['memory', 'fs'], dir, cwd })
    await first.m.pluginNamespace('a').set('index', 'of a')
    await first.m.pluginNamespace('b').set('other', 'of b')
    await first.m.close()
    copyFileSync(join(nsDir(dir, 'plugin+3aa'), 'index.e'), join(nsDir(dir, 'plugin+3ab'), 'index.e'))

    const { m, hooks } = buildManager({ driver: ['memory', 'fs'], dir, cwd })
    const codes: string[] = []
    hooks.hook('cache:error', (e: { code: string }) => { codes.push(e.code) })
    expect(await m.pluginNamespace('a').get('index')).toBe('of a')
    const b = m.pluginNamespace('b')
    expect(tiersOf(b).guardsNow()).toBeDefined()
    expect(await b.get('index')).toBeNull()
    expect(codes).toContain('E_CORRUPT')
    await m.close()
  })

  it('the cap over all namespaces counts the tiers built at once: two namespaces each within it, over it together, lose entries', async () => {
    const dir = tempDir('unperf-now-')
    const cwd = tempDir('unperf-now-cwd-')
    const { m } = buildManager({ driver: ['memory', 'fs'], dir, cwd, maxSize: 3000 })
    await m.root.get('first')
    const a = m.namespace('a')
    const b = m.namespace('b')
    expect(tiersOf(a).guardsNow()).toBeDefined()
    expect(tiersOf(b).guardsNow()).toBeDefined()
    // 3 × ~800 bytes each: within its own limit (3000), 2 × that over the cap
    for (const ns of [a, b]) for (let i = 0; i < 3; i++) await ns.set(`k${i}`, 'x'.repeat(700))
    await m.close()
    const kept = ['a', 'b'].flatMap(n => readdirSync(nsDir(dir, n)).filter(f => f.endsWith('.e')))
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(6)
  })

  it('a memory-only config builds at once once the scope is known (nothing to mark used)', async () => {
    const { m } = buildManager({ driver: 'memory', dir: tempDir('unperf-now-'), cwd: tempDir('unperf-now-cwd-') })
    await m.root.set('k', 1)
    const ns = m.namespace('other')
    expect(tiersOf(ns).guardsNow()?.map(g => g.tier.kind)).toEqual(['memory'])
    await ns.set('k', 2)
    expect([await m.root.get('k'), await ns.get('k')]).toEqual([1, 2])
    await m.close()
  })

  it.runIf(redisUrl)('a config with a Redis tier: each namespace awaits its build (its guard is loaded)', async () => {
    const { m } = buildManager({ driver: ['memory', { driver: 'redis' as const, url: redisUrl! }], dir: tempDir('unperf-now-'), cwd: tempDir('unperf-now-cwd-') })
    await m.root.set('k', 1)
    const ns = m.namespace('other')
    expect(tiersOf(ns).guardsNow()).toBeUndefined()
    await ns.set('k', 2)
    expect(await ns.get('k')).toBe(2)
    await m.root.delete('k')
    await ns.delete('k')
    await m.close()
  })
})
