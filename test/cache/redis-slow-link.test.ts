/**
 * A Redis that answers, but slower than `cache.timeout` (a congested link to a shared Redis: 400 ms a
 * round trip, timeout 250 ms), is one incident for a run: one warning, one `cache:error`. The first call
 * times out while the connection is made (its bound is 1 s then); the probe after the backoff was given
 * that 1 s too, though the connection was ready by then: its PING answered in 400 ms, the tier came back,
 * and the next call timed out again: a second warning and a second timeout paid. A probe on a ready
 * connection now gets the calls' own bound. Against a real redis-server behind a TCP proxy that delays
 * what the client sends.
 */
import { expect, it } from 'vitest'
import { slowTestRedis } from '../helpers/delay-proxy.js'
import { describeRedis } from '../helpers/redis.js'
import { manager } from './_manager.js'

const DELAY_MS = 400
const slow = slowTestRedis(DELAY_MS)

describeRedis('a redis slower than cache.timeout', () => {
  it('is one incident: one warning and one cache:error over a run that outlasts the backoff', async () => {
    const { cache, m, warnings, hooks } = manager({ driver: ['memory', { driver: 'redis', url: slow.url }], timeout: 250 })
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code} ${(e.error as Error).message}`) })
    try {
      // 4 s of calls: the first backoff (1 s) and a probe after it, then the next backoff (2 s)
      const end = Date.now() + 4000
      for (let i = 0; Date.now() < end; i++) {
        await cache.set(`k${i}`, i)
        expect(await cache.get(`k${i}`)).toBe(i)
        await new Promise(r => setTimeout(r, 50))
      }
      expect(errors, errors.join('\n')).toHaveLength(1)
      expect(warnings.filter(w => /redis tier failed/.test(w)), warnings.join('\n')).toHaveLength(1)
    } finally {
      await m.close()
    }
  }, 30_000)
})
