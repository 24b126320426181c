/**
 * warm() is background work "off the command's path" (API.md): called before perf.run(), it waits for
 * the next turn of the event loop, and so does loading the cache code for it (≈ 5 ms on a warm start,
 * measured in a packed install: with a warm() before it, a command's start moved from ≈ 0.5 ms after
 * perf.run() to 4–6 ms), so the command's fn, which perf.run() calls after microtasks only, starts first.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createHookRegistry } from '../../src/hooks/registry.js'
import { resolveTiers } from '../../src/config/resolve-cache.js'
import { createLazyCacheManager } from '../../src/runtime/cache/lazy.js'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { tempDir } from '../helpers/tmp.js'

function lazyManager(loads: string[]) {
  const dir = tempDir('unperf-warm-path-')
  const tiers = resolveTiers({ issue: (p, e) => { throw new Error(`${p}: ${e}`) }, path: p => p }, ['memory'], 'cache.driver', dir)
  const config = {
    name: 'warm-path', version: '1.0.0', cwd: dir, rootDir: dir, env: 'test',
    cache: {
      enabled: true, dir, ttl: 600_000, tiers, maxSize: 100e6, policy: 'tinylfu', swr: false, staleIfError: false, compress: 4000, integrity: true,
      timeout: 250, scope: 'test', scopeMaxAge: 86_400_000, invalidate: { version: true, files: [] }, namespaces: {},
    },
  } as unknown as ResolvedPerfConfig
  const m = createLazyCacheManager({ config, hooks: createHookRegistry(), warn: () => {} }, async () => { loads.push('load') })
  afterAll(() => m.close())
  return m
}

describe("warm() before the cache code is loaded", () => {
  it('loads it on the next turn of the event loop, not in the microtasks a command starts in; then fills the keys', async () => {
    const loads: string[] = []
    const m = lazyManager(loads)
    const done = m.root.warm({ k: async () => 42 })
    for (let i = 0; i < 50; i++) await Promise.resolve()
    expect(loads).toEqual([])
    await done
    expect(loads).toEqual(['load'])
    expect(await m.root.get('k')).toBe(42)
    // loaded: on the next turn too (background work), with its input checks as before
    await m.root.warm({ j: async () => 'j' })
    expect(await m.root.get('j')).toBe('j')
    await expect(m.root.warm(null as never)).rejects.toThrow('entries must be an object')
  })

  it("close() right after warm() still lets it fill its keys (its background work, up to the close's limit), then closes the loaded cache", async () => {
    const loads: string[] = []
    const m = lazyManager(loads)
    let filled = false
    const done = m.root.warm({ k: async () => { await new Promise(r => setTimeout(r, 20)); filled = true; return 1 } })
    await m.close()
    expect(loads).toEqual(['load'])
    expect(filled).toBe(true)
    await done
  })
})
