/**
 * Garbage written into redis under the cache's prefix (redis-cli, another tool): each bad key is a
 * miss, reported and removed, and the tier stays up for the other keys. A key of another type (a
 * hash, a list) answers GET with a WRONGTYPE reply error, which used to mark the whole tier down.
 */
import type { Writable } from 'node:stream'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { hasRedisServer, startRedisServer } from '../helpers/redis-server.js'
import { entry } from '../drivers/_suite.js'
import { CorruptEntryError } from '../../src/drivers/types.js'
import { createTier } from '../../src/drivers/tiers.js'
import type { RedisTier } from '../../src/drivers/redis.js'
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

  it('getMany: keys of other types are misses, removed and reported like on get; the other keys still read', async () => {
    const { cache, m, hooks } = manager({ driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    const names = ['good1', 'hash', 'garbage', 'list', 'good2', 'set']
    for (const k of names) await cache.set(k, { k })
    const prefix = await prefixOf(cache)
    await raw.set(prefix + 'garbage', 'garbage')
    await raw.del(prefix + 'hash', prefix + 'list', prefix + 'set')
    await raw.hset(prefix + 'hash', 'a', 'b')
    await raw.lpush(prefix + 'list', 'x')
    await raw.sadd(prefix + 'set', 'x')
    const errors: string[] = []
    hooks.hook('cache:error', (e: { code: string; key?: string }) => { errors.push(`${e.code}:${e.key}`) })
    expect(await cache.getMany([...names, 'missing'])).toEqual([{ k: 'good1' }, null, null, null, { k: 'good2' }, null, null])
    expect(errors.sort()).toEqual(['E_CORRUPT:garbage', 'E_CORRUPT:hash', 'E_CORRUPT:list', 'E_CORRUPT:set'])
    expect(await raw.exists(prefix + 'garbage', prefix + 'hash', prefix + 'list', prefix + 'set')).toBe(0)
    expect(await raw.exists(prefix + 'good1', prefix + 'good2')).toBe(2)
    expect(cache.stats().errors).toBe(4)
    // the tier is still up: the next batch comes from redis
    expect(await cache.getMany(['good2', 'good1'])).toEqual([{ k: 'good2' }, { k: 'good1' }])
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

/** A redis-server of this file's own: its command counts (INFO commandstats) are this test's alone. */
describe.skipIf(!hasRedisServer)('getMany on the redis tier: round trips', () => {
  it('no key of another type: MGET and EXISTS leave in one write, nothing else is sent; such a key: TYPE, then its DEL', async () => {
    const server = await startRedisServer()
    const raw = new Redis(server.url)
    const tier = await createTier({ driver: 'redis', url: server.url }, {
      prefix: 'trips', fsDir: () => '', encode: { compress: false, integrity: true }, timeout: 5000,
    }) as RedisTier
    const calls = async () => {
      const info = await raw.info('commandstats')
      await raw.config('RESETSTAT')
      return Object.fromEntries([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map(([, name, n]) => [name!, Number(n)]).filter(([name]) => name !== 'info'))
    }
    try {
      await tier.set(entry('a', 1))
      await tier.set(entry('b', 2))
      const stream = ((await tier.client()) as unknown as { stream: Writable }).stream
      await calls()
      const pending = tier.getMany(['a', 'missing', 'b'])
      // both commands wait in the corked socket for one write
      expect(stream.writableCorked).toBe(1)
      const got = await pending
      expect(got.map(e => (e instanceof CorruptEntryError || e === null ? e : e.value))).toEqual([1, null, 2])
      expect(await calls()).toEqual({ mget: 1, exists: 1 })

      await raw.lpush('unperf:trips:list', 'x')
      await calls()
      const mixed = await tier.getMany(['a', 'list', 'missing'])
      expect((mixed[0] as { value: unknown }).value).toBe(1)
      expect(mixed[1]).toBeInstanceOf(CorruptEntryError)
      expect((mixed[1] as CorruptEntryError).key).toBe('list')
      expect(mixed[2]).toBeNull()
      // TYPE only for the two nils, DEL only for the list
      expect(await calls()).toEqual({ mget: 1, exists: 1, type: 2, del: 1 })
      expect(await raw.exists('unperf:trips:list')).toBe(0)
    } finally {
      await tier.close()
      await raw.quit()
      server.process.kill('SIGKILL')
    }
  })
})
