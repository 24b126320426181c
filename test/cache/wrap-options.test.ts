/**
 * wrap()'s options are checked before fn runs: a bad ttl rejects with a TypeError naming wrap and
 * the option, without running fn (its work would be lost) and without writing; a bad swr or
 * staleIfError is the same error, not silently "off". An entry of wrap(key, fn, { files }) is
 * invalidated by its key.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Duration } from '../../src/config/types.js'
import { manager } from './_manager.js'

const UNITS = " (units: ms, s, m, h, d, w; no month or year: write '365d')"

for (const driver of ['memory', 'fs'] as const) {
  describe(`wrap() options on ${driver}`, () => {
    it.each([0, 'abc', -1, '0s'])('ttl %j rejects before fn runs', async ttl => {
      const { cache } = manager({ driver })
      let calls = 0
      await expect(cache.wrap('k', async () => { calls++; return 'v' }, { ttl: ttl as Duration })).rejects.toThrow(new TypeError(`[unperf] cache.wrap('k'): ttl must be a duration > 0 or false, got ${String(ttl)}${typeof ttl === 'string' && ttl !== '0s' ? UNITS : ''}`))
      expect(calls).toBe(0)
      expect(await cache.has('k')).toBe(false)
    })

    it('a bad swr or staleIfError rejects; good ones and ttl: false pass', async () => {
      const { cache } = manager({ driver })
      let calls = 0
      const fn = async () => { calls++; return 'v' }
      await expect(cache.wrap('a', fn, { swr: 'soon' as Duration })).rejects.toThrow(/cache.wrap\('a'\): swr must be true, false or a duration, got soon/)
      await expect(cache.wrap('b', fn, { staleIfError: -5 })).rejects.toThrow(/staleIfError must be true, false or a duration, got -5/)
      expect(calls).toBe(0)
      expect(await cache.wrap('c', fn, { ttl: false, swr: true, staleIfError: '1h' })).toBe('v')
      expect(await cache.wrap('d', fn, { ttl: '10m', swr: '1m', staleIfError: false })).toBe('v')
      expect((await cache.getEntry('c'))!.expiresAt).toBeNull()
      // cached() goes through the same check: a number where it is called, a string at its first call (cached-option-words.test.ts)
      expect(() => cache.cached(fn, { name: 'f', ttl: 0 })).toThrow(TypeError)
      await expect(cache.cached(fn, { name: 'f', ttl: '0s' })()).rejects.toThrow(/cache\.cached\(fn, \{ name: 'f', ttl \}\)/)
      expect(calls).toBe(2)
    })
  })
}

describe('wrap({ files }) and invalidate()', () => {
  it('invalidate(key) and invalidate(glob | RegExp) reach the entries wrap() stored per input hash', async () => {
    const { cache, cwd } = manager({ driver: 'fs' })
    mkdirSync(join(cwd, 'src'))
    writeFileSync(join(cwd, 'src/a.ts'), 'a')
    let calls = 0
    const build = () => cache.wrap('manifest', async () => ++calls, { files: ['src/*.ts'] })
    expect(await build()).toBe(1)
    writeFileSync(join(cwd, 'src/a.ts'), 'b')
    expect(await build()).toBe(2)
    await cache.set('manifest-v2', 'other')
    expect(await cache.invalidate('manifest')).toBe(2) // both input states, not manifest-v2
    expect(await cache.keys()).toEqual(['manifest-v2'])
    expect(await build()).toBe(3)
    expect(await cache.invalidate(/^manifest$/)).toBe(1)
    expect(await build()).toBe(4)
    expect(await cache.invalidate('mani*')).toBe(2)
  })
})
