/**
 * Calls on a frozen Redis issued a millisecond or so apart each settle within `timeout`. The guard
 * judged "the host kept the event loop busy" (which lets a call wait another period) over the time
 * since its timer was last armed: after the sweep that timed out the first call, the next call's
 * deadline was a few ms away, and those few ms (the sweep's own rejections, the warning) were ≥ 90 %
 * busy, so it waited a second `timeout`: a `get` at the end of a CLI's writes took 2 × `timeout`.
 * Busyness is now judged over each call's own wait. Real redis-server of this file's own (SIGSTOP).
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const redis = ownRedisServer()

function spin(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) { /* the host's own work */ }
}

describe.skipIf(!hasRedisServer)('a frozen redis, calls issued apart', () => {
  it('each call settles within its own timeout, not twice it', async () => {
    const timeout = 300
    const { cache, m, hooks } = manager({ driver: ['memory', { driver: 'redis', url: redis.url }], timeout })
    await cache.set('warm', 1) // connected: the calls below get `timeout`, not the first-connect 1 s
    // the host's listener does a little synchronous work per error (formats and logs it)
    hooks.hook('cache:error', () => spin(4))
    redis.process!.kill('SIGSTOP')
    try {
      const durations: number[] = []
      const calls: Promise<unknown>[] = []
      for (let i = 0; i < 12; i++) {
        const start = performance.now()
        calls.push(cache.get(`frozen-${i}`).then(v => { durations.push(performance.now() - start); return v }))
        await new Promise(r => setTimeout(r, 1))
      }
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 12 }, () => null))
      // a second period would be ≥ 2 × timeout; the bound leaves room for a loaded machine
      expect(Math.max(...durations), durations.map(Math.round).join(' ')).toBeLessThan(timeout * 1.6)
    } finally {
      redis.process!.kill('SIGCONT')
    }
    await m.close()
  }, 30_000)
})
