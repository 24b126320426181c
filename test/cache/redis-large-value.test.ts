/**
 * A 50 MB value on a healthy redis tier takes longer than `cache.timeout` (250 ms by default) to
 * write or read: the call timed out and the tier was marked down for its backoff, though Redis was
 * fine. A call whose connection is still moving a large value now waits on (call-deadlines.ts: a
 * write gets its bytes' time at the transfer floor, a reply arriving at least that fast keeps its
 * call, and those behind it, alive); a frozen Redis (SIGSTOP) moves nothing, and a small value's
 * call still ends at its timeout. Real redis-server of this file's own.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const redis = ownRedisServer([], { raw: true })

describe.skipIf(!hasRedisServer)('a 50 MB value on a redis tier with cache.timeout 250 ms', () => {
  it('is written and read back; the calls beside it succeed and the tier stays up; frozen, a small value\'s call still ends at the timeout', async () => {
    const timeout = 250
    const { cache, m, hooks } = manager({ driver: [{ driver: 'redis', url: redis.url }], timeout })
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code}: ${(e.error as Error).message}`) })
    try {
      await cache.set('warm', 1) // connected: the calls below get `timeout`, not the first-connect 1 s
      const big = randomBytes(50 * 1024 * 1024)
      // small calls issued beside the large ones queue behind them on the one connection
      await Promise.all([cache.set('big', big), cache.set('beside', 'small')])
      const [got, beside] = await Promise.all([cache.get('big') as Promise<Buffer | null>, cache.get('beside')])
      expect(errors).toEqual([])
      expect(errors).toEqual([])
      expect(got?.equals(big)).toBe(true)
      expect(beside).toBe('small')
      expect(errors).toEqual([])
      // the tier is up: a write after them reaches Redis
      await cache.set('after', 'small')
      expect(await redis.raw!.keys('unperf:*:after')).toHaveLength(1)

      // frozen: nothing moves, and a small value's call ends at its timeout (a bound, generous for a
      // loaded machine: the guard lets a call wait up to 10 periods only while this process's own
      // loop is busy), though the connection moved 100 MB just before
      redis.process!.kill('SIGSTOP')
      const t0 = performance.now()
      expect(await cache.get('warm') ?? null).toBeNull()
      expect(performance.now() - t0).toBeLessThan(10 * timeout)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain('timed out after 250ms')
    } finally {
      redis.process!.kill('SIGCONT')
      await m.close()
    }
  }, 120_000)
})
