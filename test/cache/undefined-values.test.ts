/**
 * `undefined` is no value, the same on every driver (unstorage's setItem and lru-cache's set agree):
 * set(key, undefined) deletes the key, setMany does the same per entry, and a wrap()/cached() whose
 * fn returns undefined caches nothing. None of it is a storage failure: no warning, no error counted.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

for (const driver of ['memory', 'fs'] as const) {
  describe(`undefined values on ${driver}`, () => {
    it('set(key, undefined) deletes the key', async () => {
      const { cache, warnings } = manager({ driver })
      await cache.set('k', 'v')
      await cache.set('k', undefined)
      expect(await cache.get('k')).toBeNull()
      expect(await cache.has('k')).toBe(false)
      await cache.set('never', undefined)
      expect(await cache.has('never')).toBe(false)
      expect(await cache.keys()).toEqual([])
      expect(cache.stats().errors).toBe(0)
      expect(warnings).toEqual([])
    })

    it('setMany deletes the keys given undefined and writes the others', async () => {
      const { cache, warnings } = manager({ driver })
      await cache.set('gone', 1)
      await cache.setMany([['a', 1], ['gone', undefined], ['b', null]])
      expect(await cache.getMany(['a', 'gone', 'b'])).toEqual([1, null, null])
      expect(await cache.has('b')).toBe(true)
      expect(await cache.has('gone')).toBe(false)
      expect(warnings).toEqual([])
    })

    it('wrap() of a fn that returns undefined caches nothing and reports nothing', async () => {
      const { cache, warnings } = manager({ driver })
      let calls = 0
      const fn = async () => { calls++ }
      expect(await cache.wrap('void', fn)).toBeUndefined()
      expect(await cache.wrap('void', fn)).toBeUndefined()
      expect(calls).toBe(2)
      expect(await cache.has('void')).toBe(false)
      expect(cache.stats().errors).toBe(0)
      expect(warnings).toEqual([])
    })
  })
}
