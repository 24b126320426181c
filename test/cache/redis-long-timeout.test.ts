/**
 * `cache.timeout: '30d'` ("as good as no timeout") on a redis tier: setTimeout keeps at most 2³¹ − 1
 * ms, and a longer delay fires after 1 ms, so every remote call's deadline and the tier's probe
 * timed out at once (the tier marked down, the values never reaching Redis) while node printed
 * TimeoutOverflowWarnings. The tier's timers wait as long as a timer can (24.8 days) instead.
 */
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { manager } from './_manager.js'

describeRedis("a redis tier with cache.timeout past a timer's limit ('30d')", () => {
  it('stores and reads through Redis with no timeout, no cache:error, no TimeoutOverflowWarning', async () => {
    const overflow: string[] = []
    const onWarning = (w: Error) => { if (w.name === 'TimeoutOverflowWarning') overflow.push(w.message) }
    process.on('warning', onWarning)
    const timeout = 30 * 24 * 3600 * 1000
    const writer = manager({ driver: [{ driver: 'redis', url: redisUrl! }], timeout })
    const errors: string[] = []
    writer.hooks.hook('cache:error', (e) => { errors.push(String((e as { error?: { code?: unknown } }).error?.code ?? e)) })
    try {
      await writer.cache.set('a', 'one')
      await writer.cache.setMany([['b', 'two'], ['c', 'three']])
      expect(await writer.cache.getMany(['a', 'b', 'c'])).toEqual(['one', 'two', 'three'])
      const reader = manager({ driver: [{ driver: 'redis', url: redisUrl! }], dir: writer.dir, cwd: writer.cwd, timeout })
      try {
        expect(await reader.cache.getMany(['a', 'b', 'c'])).toEqual(['one', 'two', 'three'])
      } finally {
        await reader.m.close()
      }
      await new Promise(r => setImmediate(r))
      expect(errors).toEqual([])
      expect(writer.warnings).toEqual([])
      expect(overflow).toEqual([])
    } finally {
      process.off('warning', onWarning)
      await writer.m.close()
    }
  })
})
