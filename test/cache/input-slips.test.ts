/**
 * A JavaScript caller's slips on perf.cache get a TypeError naming the method, the argument, what is
 * expected and what came (the async methods reject with it). Before: wrap('k') without its function
 * failed with 'fn is not a function', getMany('a') with 'keys.map is not a function', get(42) was a
 * miss while set(42, v) threw, and a bad ttl in setMany() was reported as cache.set('z').
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

const call = (fn: unknown, ...args: unknown[]) => (fn as (...a: unknown[]) => Promise<unknown>)(...args)

for (const driver of ['memory', 'fs'] as const) {
  describe(`cache input slips on ${driver}`, () => {
    it('wrap(key) without a function, or with a key that is not a string', async () => {
      const { cache } = manager({ driver })
      await expect(call(cache.wrap.bind(cache), 'k')).rejects.toThrow(new TypeError("[unperf] cache.wrap('k', fn): fn must be a function (it computes the value on a miss), got undefined"))
      await expect(call(cache.wrap.bind(cache), 'k', 'v')).rejects.toThrow(/got string$/)
      await cache.set('k', 1)
      // a hit does not hide the slip
      await expect(call(cache.wrap.bind(cache), 'k')).rejects.toThrow(/fn must be a function/)
      await expect(call(cache.wrap.bind(cache), 42, () => 1)).rejects.toThrow(new TypeError("[unperf] cache.wrap(key): key must be a string (the entry's name), got number"))
    })

    it('getMany(keys) with a string or a non-string key', async () => {
      const { cache } = manager({ driver })
      await expect(call(cache.getMany.bind(cache), 'a')).rejects.toThrow(new TypeError("[unperf] cache.getMany(keys): keys must be an array of strings, got 'a' (a string: pass [key])"))
      await expect(call(cache.getMany.bind(cache), ['a', 7])).rejects.toThrow(new TypeError('[unperf] cache.getMany(keys): keys[1] must be a string, got number'))
      expect(await cache.getMany(['a'])).toEqual([null])
    })

    it('get(42) rejects as set(42, v) does, and so do has, getEntry, delete', async () => {
      const { cache } = manager({ driver })
      for (const method of ['get', 'set', 'has', 'getEntry', 'delete'] as const) {
        await expect(call((cache[method] as (...a: unknown[]) => unknown).bind(cache), 42, 'v')).rejects.toThrow(new TypeError(`[unperf] cache.${method}(key): key must be a string (the entry's name), got number`))
      }
      await expect(call(cache.get.bind(cache), null)).rejects.toThrow(/got null$/)
      expect(cache.stats().misses).toBe(0)
    })

    it('setMany(): a bad ttl names setMany and the entry; a bad entry names its index; nothing is written', async () => {
      const { cache } = manager({ driver })
      await expect(call(cache.setMany.bind(cache), [['a', 1], ['z', 2, { ttl: 'soon' }]])).rejects.toThrow(new TypeError("[unperf] cache.setMany(entries): entries[1] ('z'): ttl must be a duration > 0 or false, got soon (units: ms, s, m, h, d, w; no month or year: write '365d')"))
      await expect(call(cache.setMany.bind(cache), [['a', 1], 'b'])).rejects.toThrow(new TypeError('[unperf] cache.setMany(entries): entries[1] must be an array [key, value, options?], got string'))
      await expect(call(cache.setMany.bind(cache), [[3, 1]])).rejects.toThrow(new TypeError('[unperf] cache.setMany(entries): entries[0][0], the key, must be a string, got number'))
      await expect(call(cache.setMany.bind(cache), { a: 1 })).rejects.toThrow(new TypeError('[unperf] cache.setMany(entries): entries must be an array of [key, value, options?], got object'))
      expect(await cache.has('a')).toBe(false)
      // set() keeps naming itself
      await expect(cache.set('k', 1, { ttl: 0 })).rejects.toThrow(new TypeError("[unperf] cache.set('k'): ttl must be a duration > 0 or false, got 0"))
    })
  })
}
