/**
 * keys() lists exactly the keys has() is true for, what get() and getMany() return: the fresh
 * entries. One past its ttl within its stale window (swr / staleIfError), which only wrap() can
 * serve, is not listed (s31 audit: keys() listed it while has() missed), but invalidate() and
 * clear() remove and count it, so wrap() calls fn after them. An entry past its ttl and stale
 * window that no sweep removed yet is neither listed, invalidated nor counted (lru-cache never
 * lists a stale key either). On every tier and over tiers; listing removes nothing
 * (`unperf cache list --expired` still shows the expired one).
 */
import { describe, expect, it } from 'vitest'
import type { CacheNamespace } from '../../src/runtime/cache/namespace.js'
import { keysOf } from '../../src/runtime/cache/namespace-management.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { manager, type ManagerOptions } from './_manager.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

const stored = (cache: unknown) => {
  const ns = cache as CacheNamespace
  return keysOf(ns._tiers, ns._events, { expired: true }).then(k => k.sort())
}

function consistentWithGet(driver: ManagerOptions['driver']) {
  return async () => {
    const { m, cache } = manager({ driver })
    await cache.set('live', 1)
    await cache.set('short', 2, { ttl: 20 })
    await sleep(40)
    expect(await cache.get('short')).toBeNull()
    // the get removed it: write it again and let it expire unread
    await cache.set('short', 2, { ttl: 20 })
    await cache.set('other:short', 3, { ttl: 20 })
    await sleep(40)
    expect(await cache.keys()).toEqual(['live'])
    expect(await cache.keys()).toEqual(['live'])
    // still stored (listing removed nothing), not listed, not counted
    if (typeof driver === 'string' || Array.isArray(driver) && !driver.some(d => typeof d === 'object')) {
      expect(await stored(cache)).toEqual(['live', 'other:short', 'short'])
    }
    expect(await cache.invalidate('*short')).toBe(0)
    expect(await cache.invalidate('*')).toBe(1)
    expect(await cache.get('live')).toBeNull()
    await cache.set('live', 1)
    await cache.set('short', 2, { ttl: 20 })
    await sleep(40)
    expect(await cache.clear()).toBe(1)
    expect(await stored(cache)).toEqual([])
    expect(m.stats().deletes).toBe(2)
    await m.close()
  }
}

function staleNotListed(driver: ManagerOptions['driver']) {
  return async () => {
    const { m, cache } = manager({ driver, swr: 60_000 })
    let calls = 0
    const fn = async () => `v${++calls}`
    expect(await cache.wrap('k', fn, { ttl: 20 })).toBe('v1')
    await cache.set('fresh', 1)
    await sleep(40)
    // past its ttl: has(), get(), getMany() and keys() agree it is not there (only wrap() may serve it)
    expect(await cache.has('k')).toBe(false)
    expect(await cache.get('k')).toBeNull()
    expect(await cache.getMany(['k', 'fresh'])).toEqual([null, 1])
    expect(await cache.has('fresh')).toBe(true)
    expect(await cache.keys()).toEqual(['fresh'])
    // but invalidate() removes and counts it: wrap() must not serve an invalidated value
    expect(await cache.invalidate('k')).toBe(1)
    expect(await cache.keys()).toEqual(['fresh'])
    // invalidated: wrap() calls fn, no stale value served
    expect(await cache.wrap('k', fn, { ttl: 20 })).toBe('v2')
    await sleep(40)
    expect(await cache.keys()).toEqual(['fresh'])
    expect(await cache.clear()).toBe(2)
    expect(await cache.wrap('k', fn, { ttl: 20 })).toBe('v3')
    await m.close()
  }
}

describe('keys() agrees with has() and get(); invalidate() and clear() also reach what wrap() serves stale', () => {
  it('memory: an expired entry is neither listed, invalidated nor counted', consistentWithGet('memory'))
  it('fs: an expired entry is neither listed, invalidated nor counted', consistentWithGet('fs'))
  it('memory + fs: an expired entry is neither listed, invalidated nor counted', consistentWithGet(['memory', 'fs']))
  it('memory: an entry within its stale window (swr) is not listed, as has() misses it, but is invalidated and cleared', staleNotListed('memory'))
  it('fs: an entry within its stale window (swr) is not listed, as has() misses it, but is invalidated and cleared', staleNotListed('fs'))
  it('memory + fs: an entry within its stale window (swr) is not listed, as has() misses it, but is invalidated and cleared', staleNotListed(['memory', 'fs']))
})

describeRedis('keys(), invalidate() and clear() agree with get() over redis tiers', () => {
  it('memory + fs + redis: an expired entry is neither listed, invalidated nor counted', () => consistentWithGet(['memory', 'fs', { driver: 'redis', url: redisUrl! }])())
  it('memory + fs + redis: an entry within its stale window (swr) is not listed, as has() misses it, but is invalidated and cleared', () => staleNotListed(['memory', 'fs', { driver: 'redis', url: redisUrl! }])())
})

describe('invalidate(pattern) lists only what matches', () => {
  for (const driver of ['memory', 'fs', ['memory', 'fs']] as const) {
    it(`${JSON.stringify(driver)}: readable, escaped and hashed keys, and wrap({ files }) entries by their key`, async () => {
      const { m, cache } = manager({ driver: driver as ManagerOptions['driver'] })
      const long = `git:${'x'.repeat(300)}` // a hashed file name: its key is only in the entry
      for (const key of ['git:head', 'git:remote', 'Git:Upper', 'deps:graph', 'git:a/b', long, 'npm:git:x']) await cache.set(key, key)
      await cache.set('git:files#files:0123456789abcdef', 'built')
      expect(await cache.invalidate('git:*')).toBe(5)
      expect((await cache.keys()).sort()).toEqual(['Git:Upper', 'deps:graph', 'npm:git:x'])
      expect(await cache.invalidate(/^npm:/)).toBe(1)
      expect(await cache.get(long)).toBeNull()
      expect(await cache.get('deps:graph')).toBe('deps:graph')
      await m.close()
    })
  }
})

describe('invalidate(pattern) with a pattern that is neither a string nor a RegExp', () => {
  it("rejects with a TypeError saying what it takes, where it was warned about as the fs tier failing ('lastIndex' on number)", async () => {
    const { cache, m, warnings } = manager({ driver: ['memory', 'fs'] })
    await cache.set('user:1', 1)
    for (const pattern of [123, null, undefined, { source: 'x' }]) {
      await expect(cache.invalidate(pattern as unknown as string)).rejects.toThrow(/cache\.invalidate\(pattern\): pattern must be a glob string \('user:\*'\) or a RegExp, got /)
    }
    expect(warnings).toEqual([])
    expect(await cache.invalidate('user:*')).toBe(1)
    await m.close()
  })
})
