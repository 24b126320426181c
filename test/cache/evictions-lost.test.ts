/**
 * `stats().evictions` and `cache:evict` count the entries the cache lost, each once, and name the
 * tier that dropped it. With `driver: ['memory', 'fs']` each tier's copy was counted apart (six
 * writes into a 300-byte namespace: 9 evictions and 9 `lru` events with 2 entries left), the
 * memory tier's drops of entries the fs tier still served included, and the payload had no tier.
 */
import { chmodSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CacheEvictPayload } from '../../src/hooks/types.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const VALUE = 'v'.repeat(80) // 160 bytes in memory (UTF-16), 136 on disk uncompressed: memory keeps 1, fs 2

async function sixWrites(o: Parameters<typeof manager>[0]) {
  const h = manager({ ...o, namespaces: { n: { maxSize: 300, compress: false } } })
  const events: CacheEvictPayload[] = []
  h.hooks.hook('cache:evict', e => { events.push(e) })
  const ns = h.m.namespace('n')
  for (let i = 0; i < 6; i++) await ns.set(`k${i}`, VALUE)
  await h.m.close() // the fs tier's size checks run after the writes, in the background
  return { stats: ns.stats(), events, ns }
}

describe('evictions: entries the cache lost', () => {
  it('memory in front of fs: only the fs tier losing an entry counts (the memory tier\'s drops are copies the fs tier still has)', async () => {
    const { stats, events } = await sixWrites({ driver: ['memory', 'fs'] })
    expect(stats.evictions).toBe(4) // 6 written, 2 kept by the fs tier
    expect(events.map(e => [e.key, e.reason, e.tier, e.tierName])).toEqual(['k0', 'k1', 'k2', 'k3'].map(k => [k, 'lru', 1, 'fs']))
  })

  it('a memory-only namespace counts each entry its tier drops, named as tier 0', async () => {
    const { stats, events } = await sixWrites({ driver: 'memory' })
    expect(stats.evictions).toBe(5) // one 160-byte value fits in 300 bytes
    expect(events).toHaveLength(5)
    expect(events.every(e => e.tier === 0 && e.tierName === 'memory' && e.reason === 'lru')).toBe(true)
  })

  it('the memory tier\'s drops count when the fs tier behind it stores nothing (a cache dir it refuses)', async () => {
    const dir = tempDir('unperf-cache-')
    chmodSync(dir, 0o777) // writable by others: the fs tier refuses it (E_CACHE_DIR_UNSAFE), every write fails
    const { stats, events } = await sixWrites({ dir, driver: ['memory', 'fs'] })
    expect(stats.evictions).toBe(5)
    expect(events.map(e => e.tierName)).toEqual(Array(5).fill('memory'))
  })

  it('the memory tier\'s drops count while the Redis tier behind it is down (nothing else holds them)', async () => {
    const { stats, events } = await sixWrites({ driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:1' }], timeout: 100 })
    expect(stats.evictions).toBe(5)
    expect(events.map(e => [e.tier, e.tierName])).toEqual(Array(5).fill([0, 'memory']))
  })

  it('an entry expired in both tiers is one eviction, told by the slower tier', async () => {
    const h = manager({ driver: ['memory', 'fs'] })
    const events: CacheEvictPayload[] = []
    h.hooks.hook('cache:evict', e => { events.push(e) })
    await h.cache.set('k', 1, { ttl: 1 })
    await new Promise(r => setTimeout(r, 20))
    expect(await h.cache.get('k')).toBeNull()
    expect(h.cache.stats().evictions).toBe(1)
    expect(events.map(e => [e.reason, e.tierName])).toEqual([['expired', 'fs']])
    await h.m.close()
  })
})

describeRedis('evictions of expired entries in front of a Redis tier', () => {
  // Redis drops an expired key at its PX without a word: the fs tier in front of it, which prunes its
  // copy, tells the loss (it was told by no tier: evictions 0, no cache:evict)
  it("['memory', 'fs', redis]: prune() counts each expired entry once, told by the fs tier", async () => {
    const h = manager({ driver: ['memory', 'fs', { driver: 'redis', url: redisUrl! }], timeout: 5000 })
    const events: CacheEvictPayload[] = []
    h.hooks.hook('cache:evict', e => { events.push(e) })
    await h.cache.set('a', 1, { ttl: 100 })
    await h.cache.set('b', 2, { ttl: 100 })
    await h.cache.set('c', 3, { ttl: '1h' })
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(await h.cache.prune()).toBe(2)
    expect(h.cache.stats().evictions).toBe(2)
    expect(events.map(e => [e.key, e.reason, e.tierName]).sort()).toEqual([['a', 'expired', 'fs'], ['b', 'expired', 'fs']])
    await h.m.close()
  })
})
