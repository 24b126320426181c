/**
 * A cache method's options that it cannot read were ignored, silently: a ttl given bare
 * (`set(k, v, 5000)`, as keyv's and cache-manager's set take it) or under another name
 * (`{ expiresIn }`, `{ maxAge }`) stored the entry for the namespace's ttl (a day), and
 * `wrap(k, fn, { files: 'input.txt' })` hashed the string's characters as globs, so a change to the
 * file never reached the key and wrap() kept returning the old value. Each is now a TypeError at
 * the call naming the method, the option and what it takes; nothing is written and fn does not run.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const call = (fn: unknown, ...args: unknown[]) => (fn as (...a: unknown[]) => Promise<unknown>)(...args)

for (const driver of ['memory', 'fs'] as const) {
  describe(`cache options that the method does not read, on ${driver}`, () => {
    it('set(k, v, 5000), set(k, v, { expiresIn }), setMany with { maxAge }: a TypeError saying where the ttl goes; nothing written', async () => {
      const { cache } = manager({ driver })
      const set = cache.set.bind(cache)
      await expect(call(set, 'a', 1, 5000)).rejects.toThrow(new TypeError("[unperf] cache.set('a', value, options): options must be an object ({ ttl, metadata }), got number (a ttl goes in the options: { ttl: 5000 })"))
      await expect(call(set, 'a', 1, '1h')).rejects.toThrow("got string (a ttl goes in the options: { ttl: '1h' })")
      await expect(call(set, 'a', 1, { expiresIn: 1000 })).rejects.toThrow(new TypeError("[unperf] cache.set('a', value, options): unknown option 'expiresIn' (it takes { ttl, metadata }); an entry's lifetime is its ttl (ms, or a duration like '1h')"))
      await expect(call(set, 'a', 1, { ttl: 1000, metdata: {} })).rejects.toThrow("unknown option 'metdata' (it takes { ttl, metadata }); did you mean 'metadata'?")
      await expect(call(cache.setMany.bind(cache), [['b', 1], ['c', 2, { maxAge: 10 }]])).rejects.toThrow(new TypeError("[unperf] cache.setMany(entries): entries[1] ('c'): unknown option 'maxAge' (it takes { ttl, metadata }); an entry's lifetime is its ttl (ms, or a duration like '1h')"))
      expect(await cache.getMany(['a', 'b', 'c'])).toEqual([null, null, null])
      // what is read still works: none, null, {}, { ttl, metadata }
      await cache.set('a', 1)
      await call(set, 'a', 2, null)
      await cache.set('a', 3, {})
      await cache.set('a', 4, { ttl: 1000, metadata: { m: 1 } })
      await cache.setMany([['b', 1, { ttl: '1h' }], ['c', 2, undefined]])
      const entry = await cache.getEntry('a')
      expect([entry?.value, entry!.expiresAt! - entry!.createdAt, entry?.metadata]).toEqual([4, 1000, { m: 1 }])
    })

    it("wrap(k, fn, { maxAge }), wrap(k, fn, '1h'), { files: 'input.txt' }: a TypeError before fn runs, on a hit too", async () => {
      const { cache } = manager({ driver })
      let calls = 0
      const fn = async () => ++calls
      await expect(call(cache.wrap.bind(cache), 'w', fn, { maxAge: 1000 })).rejects.toThrow(new TypeError("[unperf] cache.wrap('w', fn, options): unknown option 'maxAge' (it takes { ttl, swr, staleIfError, files }); an entry's lifetime is its ttl (ms, or a duration like '1h')"))
      await expect(call(cache.wrap.bind(cache), 'w', fn, '1h')).rejects.toThrow("options must be an object ({ ttl, swr, staleIfError, files }), got string (a ttl goes in the options: { ttl: '1h' })")
      await expect(call(cache.wrap.bind(cache), 'w', fn, { files: 'input.txt' })).rejects.toThrow(new TypeError("[unperf] cache.wrap('w', fn, options): files must be an array of globs, got 'input.txt' (a string: pass ['input.txt'])"))
      await expect(call(cache.wrap.bind(cache), 'w', fn, { files: ['a.txt', 1] })).rejects.toThrow("files[1] must be a string (a glob), got number")
      expect(calls).toBe(0)
      expect(await cache.wrap('w', fn)).toBe(1)
      // a hit does not hide the slip
      await expect(call(cache.wrap.bind(cache), 'w', fn, { staleWhileRevalidate: true })).rejects.toThrow("unknown option 'staleWhileRevalidate'")
      expect(await cache.wrap('w', fn, { ttl: '1h', swr: true, staleIfError: false, files: [] })).toBe(1)
    })

    it("cached(fn, { getKey }) and { files: 'x' }: a TypeError where cached() is called", () => {
      const { cache } = manager({ driver })
      expect(() => call(cache.cached.bind(cache), async () => 1, { name: 'n', getKey: () => 'k' })).toThrow(new TypeError("[unperf] cache.cached(fn, { name: 'n' }): unknown option 'getKey' (it takes { name, key, ttl, swr, staleIfError, files })"))
      expect(() => call(cache.cached.bind(cache), async () => 1, { name: 'n', files: 'x' })).toThrow("files must be an array of globs, got 'x' (a string: pass ['x'])")
      expect(typeof cache.cached(async () => 1, { name: 'n', key: () => 'k', ttl: '1h', swr: '1m', staleIfError: true, files: ['x'] })).toBe('function')
    })
  })
}

describe('warm(entries) given something else than an object of functions', () => {
  it("null, an array, { k: value }: a TypeError at the call, nothing filled (null threw 'Cannot convert undefined or null to object', an array filled '0', a value only warned from the background)", async () => {
    const { cache } = manager({ driver: 'memory' })
    const warm = cache.warm.bind(cache)
    await expect(call(warm, null)).rejects.toThrow(new TypeError("[unperf] cache.warm(entries): entries must be an object of key → function ({ 'user:1': () => loadUser(1) }), got null"))
    await expect(call(warm, [async () => 1])).rejects.toThrow('got an array')
    await expect(call(warm, { a: async () => 1, k: 'value' })).rejects.toThrow(new TypeError("[unperf] cache.warm(entries): entries['k'] must be a function (it computes the key's value in the background; to store a value you have, use set()), got string"))
    expect(await cache.keys()).toEqual([])
    await cache.warm({ a: async () => 1 })
    expect(await cache.get('a')).toBe(1)
  })
})

describe('wrap(k, fn, { files }) with the files given as an array', () => {
  it('a change to the file gives a new key: fn runs again', async () => {
    const cwd = tempDir('unperf-files-')
    const { cache } = manager({ driver: 'memory', cwd })
    writeFileSync(join(cwd, 'input.txt'), 'one')
    let calls = 0
    const build = () => cache.wrap('built', async () => ++calls, { files: ['input.txt'] })
    expect(await build()).toBe(1)
    expect(await build()).toBe(1)
    writeFileSync(join(cwd, 'input.txt'), 'two')
    expect(await build()).toBe(2)
  })
})
