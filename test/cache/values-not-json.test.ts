/**
 * A value JSON would give back changed is refused by the byte tiers, never stored changed. Before,
 * fs and Redis stored its JSON: a `Date` came back a string, a `Map` `{}`, `NaN` `null`, a
 * `Float32Array` an object of indices, while the memory tier gave back the value itself, so a host
 * worked on a cold run (fn's value) and failed on the warm one (`value.getTime is not a function`).
 * And a value nested too deeply for JSON.stringify (a RangeError, not a TypeError) marked a Redis
 * tier down: every later call of the process skipped Redis, good values too.
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'
import { tempDir } from '../helpers/tmp.js'

class Point { constructor(readonly x: number) {} norm() { return Math.abs(this.x) } }

function nested(depth: number): unknown {
  let v: unknown = []
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

const CHANGED_BY_JSON: [string, unknown, RegExp][] = [
  ['date', new Date(0), /value is a Date, which JSON gives back as a string/],
  ['map', new Map([[1, 2]]), /value is a Map/],
  ['set', new Set([1]), /value is a Set/],
  ['nan', { n: NaN }, /value\.n is NaN, which JSON gives back as null/],
  ['inf', [1, Infinity], /value\[1\] is Infinity/],
  ['f32', new Float32Array([1.5]), /value is a Float32Array/],
  ['nested-date', { meta: { 'fetched at': new Date(5) } }, /value\.meta\["fetched at"\] is a Date/],
  ['class', { p: new Point(1) }, /value\.p is a Point, which JSON gives back as a plain object/],
  ['hole', [1, undefined, 3], /value\[1\] is undefined/],
  ['fn', { f: () => 1 }, /value\.f is a function, which JSON drops/],
  // a Buffer or Uint8Array inside a value is kept (nested-bytes.test.ts); other typed arrays are not
  ['typed-inside', { b: Buffer.from('x'), w: new Int16Array(1) }, /value\.w is an Int16Array/],
]

describe('values JSON would change, on the fs tier', () => {
  it('are refused (a miss, not a changed value), the warning names the key and the path, the previous value goes', async () => {
    const { cache, hooks, m, warnings } = manager({ driver: 'fs' })
    const errors: { key?: string; code: string; inner?: unknown }[] = []
    hooks.hook('cache:error', e => { errors.push({ key: e.key, code: e.code, inner: (e.error as { code?: unknown }).code }) })
    for (const [key, value] of CHANGED_BY_JSON) {
      await cache.set(key, 'previous')
      await cache.set(key, value)
      expect(await cache.get(key), key).toBe(null)
    }
    expect(errors).toEqual(CHANGED_BY_JSON.map(([key]) => ({ key, code: 'E_WRITE', inner: 'E_VALUE' })))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/the value of cache key 'date' cannot be stored .*value is a Date.*toISOString\(\).*not stored in the fs tier .* of cache namespace 'default' \(the tier stays in use/)
    for (const [, value, why] of CHANGED_BY_JSON) {
      const { cache: c, warnings: w, m: m2 } = manager({ driver: 'fs' })
      await c.set('k', value)
      expect(w.join('\n')).toMatch(why)
      await m2.close()
    }
    // JSON values still round-trip, -0 too (written -0, not JSON.stringify's 0); an undefined property is absent, as in JSON
    const plain = { a: [1, 'x', null, true, { b: -0 }], c: undefined, d: 'ü\u{1F600}' }
    await cache.set('plain', plain)
    const got = await cache.get<typeof plain>('plain')
    expect(got).toEqual({ a: [1, 'x', null, true, { b: -0 }], d: 'ü\u{1F600}' })
    expect(Object.is((got!.a[4] as { b: number }).b, -0)).toBe(true)
    expect(cache.stats().errors).toBe(CHANGED_BY_JSON.length)
    await m.close()
  })

  it('metadata too: a Date in it is refused, not stored as a string; a BigInt is not called a failure of the tier', async () => {
    const { cache, m, warnings } = manager({ driver: 'fs' })
    await cache.set('m', 1, { metadata: { at: new Date(0) } })
    expect(await cache.getEntry('m')).toBe(null)
    await cache.set('b', 1, { metadata: { n: 1n } })
    expect(await cache.getEntry('b')).toBe(null)
    expect(warnings.join('\n')).toMatch(/the metadata of cache key 'm' cannot be stored .*metadata\.at is a Date/)
    expect(warnings.join('\n')).not.toMatch(/tier .* failed/)
    await cache.set('ok', 1, { metadata: { etag: 'x' } })
    expect((await cache.getEntry('ok'))?.metadata).toEqual({ etag: 'x' })
    await m.close()
  })

  it('with a memory tier in front: the process keeps the value as it is, the next process misses (no changed value)', async () => {
    const first = manager({ driver: ['memory', 'fs'] })
    const value = { when: new Date(1000) }
    expect(await first.cache.wrap('w', async () => value)).toBe(value)
    expect(await first.cache.get('w')).toBe(value)
    await first.m.close()
    const second = manager({ driver: ['memory', 'fs'], dir: first.dir, cwd: first.cwd })
    expect(await second.cache.get('w')).toBe(null)
    const got = await second.cache.wrap('w', async () => ({ when: new Date(2000) }))
    expect((got as { when: Date }).when.getTime()).toBe(2000)
    await second.m.close()
  })
})

describe('values that cannot be stored, on an unstorage tier (fs-lite)', () => {
  it('fail that write alone (the tier was marked down: every later call of the process skipped it) and drop the previous value', async () => {
    const base = tempDir('unperf-unstorage-')
    const { cache, m, warnings } = manager({ driver: [{ driver: 'fs-lite', base }] })
    await cache.set('d', 'previous')
    await cache.set('d', { when: new Date(0) })
    await cache.set('n', 10n)
    await cache.set('after', 'still stored')
    expect(await cache.get('after')).toBe('still stored')
    expect(await cache.get('d')).toBe(null)
    expect(warnings.join('\n')).toMatch(/'d' cannot be stored .*value\.when is a Date/)
    expect(warnings.join('\n')).not.toMatch(/failed/)
    await m.close()
  })
})

const own = ownRedisServer([], { raw: true })

describe.skipIf(!hasRedisServer)('values that cannot be stored, on a redis tier', () => {
  it('a value too deep for JSON fails that write alone: the tier stays up', async () => {
    const { cache, m, warnings } = manager({ driver: [{ driver: 'redis', url: own.url }], timeout: 2000 })
    await cache.set('before', 'ok')
    await cache.set('deep', nested(20_000))
    await cache.set('after', 'still stored')
    expect(await cache.get('after')).toBe('still stored')
    expect(warnings.join('\n')).not.toMatch(/skipped for now/)
    expect(warnings.join('\n')).toMatch(/'deep' cannot be stored .*nested too deeply for JSON/)
    await m.close()
  }, 30_000)

  it('setMany(): the others are written, the refused key loses its previous value', async () => {
    const { cache, m, warnings } = manager({ driver: [{ driver: 'redis', url: own.url }], timeout: 2000 })
    await cache.setMany([['a', 1], ['d', 'previous'], ['c', 1]])
    await cache.setMany([['a', 2], ['d', new Date(0)], ['c', 2]])
    expect(await cache.getMany(['a', 'd', 'c'])).toEqual([2, null, 2])
    await cache.set('s', 'previous')
    await cache.set('s', new Set([1]))
    expect(await cache.get('s')).toBe(null)
    expect(warnings.join('\n')).toMatch(/'d' cannot be stored .*value is a Date.*not stored in the redis tier/)
    expect(warnings.join('\n')).not.toMatch(/skipped for now/)
    await m.close()
  }, 30_000)
})
