/**
 * Garbage written into redis under the cache's prefix (redis-cli, another tool): each bad key is a
 * miss, reported and removed, and the tier stays up for the other keys. A key of another type (a
 * hash, a list) answers GET with a WRONGTYPE reply error, which used to mark the whole tier down.
 */
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { manager } from './_manager.js'

describeRedis('corrupt keys on the redis tier', () => {
  const raw = new Redis(redisUrl!)
  afterAll(() => raw.quit())
  /** The entry prefix of a cache: found through a key no other test writes. */
  const prefixOf = async (cache: { set(k: string, v: unknown): Promise<void> }) => {
    const probe = `probe-${process.pid}-${Math.random().toString(36).slice(2)}`
    await cache.set(probe, 1)
    const [key] = await raw.keys(`*:${probe}`)
    expect(key).toBeTruthy()
    return key!.slice(0, -probe.length)
  }

  it('garbage, an empty string and keys of other types are misses, removed; the other keys still read', async () => {
    const { cache, m, hooks } = manager({ driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    const names = ['garbage', 'empty', 'hash', 'list', 'good1', 'good2']
    for (const k of names) await cache.set(k, { k })
    const prefix = await prefixOf(cache)
    await raw.set(prefix + 'garbage', 'garbage')
    await raw.set(prefix + 'empty', '')
    await raw.del(prefix + 'hash', prefix + 'list')
    await raw.hset(prefix + 'hash', 'a', 'b')
    await raw.lpush(prefix + 'list', 'x')
    const errors: string[] = []
    hooks.hook('cache:error', (e: { code: string; key?: string }) => { errors.push(`${e.code}:${e.key}`) })
    for (const k of ['garbage', 'empty', 'hash', 'list']) expect(await cache.get(k), k).toBeNull()
    // the tier was not marked down by the wrong types: later keys still come from redis
    expect(await cache.get('good1')).toEqual({ k: 'good1' })
    expect(await cache.get('good2')).toEqual({ k: 'good2' })
    expect(errors).toEqual(['E_CORRUPT:garbage', 'E_CORRUPT:empty', 'E_CORRUPT:hash', 'E_CORRUPT:list'])
    expect(await raw.exists(prefix + 'garbage', prefix + 'empty', prefix + 'hash', prefix + 'list')).toBe(0)
    expect(cache.stats().errors).toBe(4)
    await m.close()
  })

  it('verify() finds and removes keys of other types too', async () => {
    const { cache, m } = manager({ driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    await cache.set('ok', 1)
    await cache.set('h', 1)
    const prefix = await prefixOf(cache)
    await raw.del(prefix + 'h')
    await raw.hset(prefix + 'h', 'a', 'b')
    expect(await cache.verify()).toMatchObject({ checked: 3, corrupt: 1 })
    expect(await raw.exists(prefix + 'h')).toBe(0)
    expect(await cache.get('ok')).toBe(1)
    await m.close()
  })
})
