/**
 * An entry larger than maxSize on its own is not kept, on the fs tier as on the memory tier. The fs
 * tier wrote it: right after set(), get() returned it and info().bytes counted it, until the size
 * check after the write evicted it ~300 ms later. Now it is refused before it is written: the key's
 * previous entry goes, and the write reports `cache:evict` `lru` at once, as the memory tier's.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import type { CacheEvictPayload } from '../../src/hooks/types.js'
import { manager } from '../cache/_manager.js'

for (const driver of ['fs', 'memory'] as const) {
  describe(`an entry larger than maxSize on the ${driver} tier`, () => {
    it('is not served, not counted, and replaces (removes) the key\'s previous entry; evicted as lru, nothing else evicted', async () => {
      const { cache, hooks, m } = manager({ driver, maxSize: 20_000, compress: false })
      const evicted: CacheEvictPayload[] = []
      hooks.hook('cache:evict', e => { evicted.push(e) })
      await cache.set('keep', 'small')
      await cache.set('big', 'old value')
      await cache.set('big', 'z'.repeat(30_000))
      expect(await cache.get('big')).toBeNull()
      expect(await cache.get('keep')).toBe('small')
      const info = await cache.info()
      expect(info.bytes).toBeLessThan(1000)
      await vi.waitFor(() => expect(evicted.map(e => [e.key, e.reason])).toEqual([['big', 'lru']]))
      expect(evicted[0]!.size).toBeGreaterThan(20_000)
      expect(await cache.keys()).toEqual(['keep'])
      if (driver === 'fs') expect(readdirSync(await tierDir(cache)).filter(n => n.startsWith('big'))).toEqual([])
      await m.close()
    })
  })
}

/** The fs namespace dir: where an entry file named 'big…' would be. */
async function tierDir(cache: unknown): Promise<string> {
  const guards = await (cache as unknown as { _tiers: { guards(): Promise<{ tier: { dir: string } }[]> } })._tiers.guards()
  return guards[0]!.tier.dir
}
