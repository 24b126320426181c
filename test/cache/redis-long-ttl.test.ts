/**
 * A ttl longer than Redis can express as a PX (above 2^63 ms with the server's clock) is still a
 * valid ttl: the redis tier stores the entry without a PX (the envelope's expiry still applies on
 * read) instead of failing the SET with "value is not an integer or out of range", which marked
 * the whole tier down and skipped every later write of the process.
 */
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { manager } from './_manager.js'

describeRedis('a very long ttl on a redis tier', () => {
  it('set({ ttl: 1e20 }) and setMany store on redis and keep the tier up', async () => {
    const writer = manager({ driver: [{ driver: 'redis', url: redisUrl! }] })
    let errors = 0
    writer.hooks.hook('cache:error', () => { errors++ })
    try {
      await writer.cache.set('forever-ish', 'v', { ttl: 1e20 })
      await writer.cache.setMany([['many', 'w', { ttl: 1e21 }]])
      await writer.cache.set('after', 'still written')
      expect(errors).toBe(0)
      expect(writer.warnings).toEqual([])
      // another process (a new manager on the same scope) reads them back from redis
      const reader = manager({ driver: [{ driver: 'redis', url: redisUrl! }], dir: writer.dir, cwd: writer.cwd })
      try {
        expect(await reader.cache.getMany(['forever-ish', 'many', 'after'])).toEqual(['v', 'w', 'still written'])
        expect((await reader.cache.getEntry('forever-ish'))?.expiresAt).toBeGreaterThan(1e19)
      } finally {
        await reader.m.close()
      }
    } finally {
      await writer.cache.clear()
      await writer.m.close()
    }
  })
})
