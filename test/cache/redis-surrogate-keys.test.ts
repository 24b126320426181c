/**
 * A key with a lone UTF-16 surrogate (a string cut inside an emoji) on a redis tier. ioredis sent it
 * as UTF-8, where the surrogate became U+FFFD: `'\ud800'` and `'\ufffd'` were one Redis key, each
 * write overwrote the other's, a read found the other's entry (a corrupt-entry miss, reported), and
 * keys() listed `'\ufffd'` for `'\ud800'`. The fs tier escapes such keys and was right already.
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const own = ownRedisServer([], { raw: true })
const cut = '😀'.slice(0, 1) // '\ud83d'
const KEYS = ['\ud800', '\ufffd', `a${cut}b`, 'a\ufffdb', '\udc00x', `${cut}\udc00`, '😀', 'plain']

describe.skipIf(!hasRedisServer)('keys with a lone surrogate, on a redis tier', () => {
  it('are keys of their own: get, getMany, keys(), invalidate(), delete() and clear() tell them from U+FFFD', async () => {
    const { cache, m } = manager({ driver: [{ driver: 'redis', url: own.url }], timeout: 2000 })
    for (const [i, k] of KEYS.entries()) await cache.set(k, i)
    for (const [i, k] of KEYS.entries()) expect(await cache.get(k), JSON.stringify(k)).toBe(i)
    expect(await cache.getMany(KEYS)).toEqual(KEYS.map((_, i) => i))
    expect((await cache.keys()).sort()).toEqual([...KEYS].sort())
    expect(cache.stats().errors).toBe(0)
    expect(await cache.invalidate(/^a.b$/)).toBe(2)
    expect(await cache.delete('\ud800')).toBe(true)
    expect(await cache.get('\ufffd')).toBe(1)
    await cache.setMany([['\ud800', 'again'], ['x\udfff', 'y']])
    expect(await cache.getMany(['\ud800', 'x\udfff', 'x\ufffd'])).toEqual(['again', 'y', null])
    expect(await cache.clear()).toBe(KEYS.length - 2 + 1)
    expect(await own.raw!.keys('unperf:test-cli:s_*')).toEqual([])
    await m.close()
  }, 30_000)
})
