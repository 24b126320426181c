/**
 * A long run (a service, a long build) on a frozen Redis: the tier's first call waits its timeout and
 * marks it down; each time the backoff is over, whether Redis is back is found out by a probe in the
 * background, not by a cache call that waits the whole timeout again. Callers go on with the local
 * tier until the probe gets an answer. Against a redis-server of this file's own, frozen with SIGSTOP.
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const redis = ownRedisServer([], { raw: true })
const TIMEOUT = 500

describe.skipIf(!hasRedisServer)('a frozen Redis over several backoff periods', () => {
  it('callers wait one timeout in all; the tier is used again once a probe is answered', async () => {
    const { cache, m, warnings } = manager({ driver: ['memory', { driver: 'redis', url: redis.url }], timeout: TIMEOUT })
    await cache.set('warm', 1) // connected: no first-call bound below
    let blocked = 0
    let longest = 0
    let calls = 0
    redis.process!.kill('SIGSTOP')
    try {
      // ~8 s: backoffs of 1 s, 2 s and 4 s end inside it (before, each end cost the next call a whole timeout)
      const end = Date.now() + 8000
      for (let i = 0; Date.now() < end; i++) {
        const start = performance.now()
        await cache.get(`k${i % 10}`)
        await cache.set(`k${i % 10}`, i)
        const took = performance.now() - start
        blocked += took
        longest = Math.max(longest, took)
        calls++
        await new Promise(r => setTimeout(r, 50))
      }
    } finally {
      redis.process!.kill('SIGCONT')
    }
    expect(calls).toBeGreaterThan(20)
    // the first call's timeout, and no other (before: 4 × 500 ms)
    expect(blocked, `${calls} calls blocked ${Math.round(blocked)} ms in all`).toBeGreaterThanOrEqual(TIMEOUT)
    expect(blocked, `${calls} calls blocked ${Math.round(blocked)} ms in all`).toBeLessThan(TIMEOUT * 2)
    expect(longest).toBeLessThan(TIMEOUT * 2)
    expect(warnings.join('\n')).toMatch(/the redis tier failed \(redis cache tier timed out after 500ms\)/)
    // back: within a backoff (≤ 8 s now), a probe is answered and writes reach Redis again
    let inRedis = 0
    for (let i = 0; i < 200 && inRedis === 0; i++) {
      await cache.set('after', 'again')
      inRedis = (await redis.raw!.keys('*after')).length
      if (inRedis === 0) await new Promise(r => setTimeout(r, 100))
    }
    expect(inRedis).toBe(1)
    await m.close()
  }, 60_000)
})
