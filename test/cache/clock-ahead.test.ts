/**
 * Entries written while the clock was ahead (a VM whose clock NTP then set back by hours) carry a
 * write time and an expiry that far ahead: they stayed fresh until the clock caught up, a 1-minute
 * entry for 3 hours. An entry stamped more than a minute in the future is now expired on every
 * tier (a miss, removed, not listed, not served stale); one a few seconds ahead (clocks of two
 * machines sharing a cache) is not. Real tiers (fs dir, memory, the test redis-server); only the
 * writer's clock is moved (Date).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DriverConfig } from '../../src/config/types.js'
import { redisUrl } from '../helpers/redis.js'
import { manager } from './_manager.js'
import { preciseNow } from '../../src/drivers/fs-lru.js'

const HOUR = 3_600_000

/** Runs `fn` with the clock `aheadMs` ahead (Date only), then sets it back. */
async function withClockAhead(aheadMs: number, fn: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + aheadMs })
  try {
    await fn()
  } finally {
    vi.useRealTimers()
  }
}

afterEach(() => { vi.useRealTimers() })

const drivers: [string, DriverConfig][] = [['fs', 'fs'], ['memory', 'memory']]
if (redisUrl) drivers.push(['redis', { driver: 'redis', url: redisUrl }])

describe('entries written while the clock was ahead', () => {
  for (const [label, driver] of drivers) {
    it(`${label}: an entry with a 1-minute ttl written 3 hours ahead is expired once the clock is back; one 10 s ahead is fresh`, async () => {
      const { cache, hooks, m } = manager({ driver, ttl: 60_000, swr: 3 * HOUR })
      const evicted: string[] = []
      hooks.hook('cache:evict', e => { if (e.reason === 'expired') evicted.push(e.key) })
      await withClockAhead(3 * HOUR, async () => {
        await cache.set('ahead', 'from the future')
        await cache.set('forever', 'no ttl', { ttl: false })
      })
      await withClockAhead(10_000, () => cache.set('skewed', 'a machine 10 s ahead'))
      expect(await cache.get('skewed')).toBe('a machine 10 s ahead')
      // keys() agrees with get() on every tier: on Redis the entry is still stored (its PX, from the
      // writer's clock as a duration, ends it in real time: here its stale window's 3 hours), but
      // not listed (`unperf cache list` shows it as expired, as it shows the fs tier's)
      expect((await cache.keys()).sort()).toEqual(['forever', 'skewed'])
      expect(await cache.get('ahead')).toBeNull()
      // not served stale either (its stale window is as far off as its expiry)
      expect(await cache.wrap('ahead', async () => 'computed now')).toBe('computed now')
      // an entry without a ttl never expires, whenever it was written
      expect(await cache.get('forever')).toBe('no ttl')
      await m.close()
      // reported by the lookup that met it, or (fs) by the sweep the first write started in the
      // background, which may have removed it first: reported when it ends, awaited by close()
      expect(evicted).toContain('ahead')
    })
  }

  it('fs: the next process\'s prune() removes an entry stamped ahead and keeps the others', async () => {
    const first = manager({ driver: 'fs', ttl: 60_000 })
    // the first write of a process starts the fs tier's sweep in the background (a new dir: never
    // swept), here on the clock 3 hours ahead: it may meet 'ahead' after the clock is back, and
    // remove it first (stamped ahead by then), never 'now' (fresh by the clock as it is: fs-prune.ts)
    const evicted: string[] = []
    first.hooks.hook('cache:evict', e => { evicted.push(`${e.key}:${e.reason}`) })
    await withClockAhead(3 * HOUR, () => first.cache.set('ahead', 'x'))
    await first.cache.set('now', 'y')
    await first.m.close()
    const second = manager({ driver: 'fs', ttl: 60_000, dir: first.dir, cwd: first.cwd })
    second.hooks.hook('cache:evict', e => { evicted.push(`${e.key}:${e.reason}`) })
    const pruned = await second.cache.prune()
    expect(evicted).toEqual(['ahead:expired'])
    // removed once, by the first process's sweep (0 left to prune) or by this prune()
    expect([0, 1]).toContain(pruned)
    expect(await second.cache.get('now')).toBe('y')
    expect(await second.cache.get('ahead')).toBeNull()
    await second.m.close()
  })

  it('fs: the process took its first timestamp while the clock was ahead: its times follow the clock once it is back', async () => {
    // the fs tier's sub-ms wall clock (access times, the write-back of hits at close) was measured
    // once per process: a first timestamp taken while the clock was 3 hours ahead left every later
    // one 3 hours ahead (and made the test above flaky: it depended on which write came first)
    await withClockAhead(3 * HOUR, async () => {
      expect(Math.abs(preciseNow() - Date.now())).toBeLessThan(2.5)
    })
    expect(Math.abs(preciseNow() - Date.now())).toBeLessThan(2.5)
    const first = manager({ driver: 'fs', ttl: 60_000 })
    await first.cache.set('now', 'y')
    expect(await first.cache.get('now')).toBe('y')
    await first.m.close()
    const second = manager({ driver: 'fs', ttl: 60_000, dir: first.dir, cwd: first.cwd })
    expect(await second.cache.prune()).toBe(0)
    expect(await second.cache.get('now')).toBe('y')
    await second.m.close()
  })
})
