/**
 * A scope of many entries on a healthy Redis: keys(), info(), verify() and clear() take one round trip
 * per 1000 keys or so (SCAN, then the batches of header reads, STRLENs, MGETs or DELs), so 100 000
 * entries took 7–17 s on a 2-core VM, far past `cache.timeout`. Each was one call of the tier's guard,
 * bounded by the timeout as a whole: `unperf cache info` against 100 000 entries in Redis said the
 * tier timed out, showed 0 entries and exited 1 (a fleet audit, session 33). A listing that keeps having
 * round trips answered now waits on; a Redis that stops answering still times out (redis-outage.test.ts).
 * Here a TCP proxy delays what the client sends by 50 ms, so 5 000 entries take well over the 200 ms
 * timeout while each round trip stays within it.
 */
import { expect, it } from 'vitest'
import { slowTestRedis } from '../helpers/delay-proxy.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { storedNamespaces } from '../../src/runtime/cache/index.js'
import { manager } from './_manager.js'

const DELAY_MS = 50
const ENTRIES = 5000
const slow = slowTestRedis(DELAY_MS)

describeRedis('a redis scope of many entries', () => {
  it('is listed, counted, checked and cleared whole, though that takes longer than cache.timeout', async () => {
    const cwd = tempDir('unperf-many-keys-cwd-')
    // filled straight, not through the proxy
    const writer = manager({ cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    await writer.cache.setMany(Array.from({ length: ENTRIES }, (_, i) => [`k${i}`, { i }] as [string, unknown]))
    await writer.m.close()

    const { cache, m, hooks } = manager({ cwd, driver: [{ driver: 'redis', url: slow.url }], timeout: 200 })
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code} ${(e.error as Error).message}`) })
    try {
      // connected first: the first call of a connection gets 1 s
      expect(await cache.get('k0')).toEqual({ i: 0 })
      let started = performance.now()
      expect((await cache.keys()).length).toBe(ENTRIES)
      // over the timeout, or this proved nothing
      expect(performance.now() - started).toBeGreaterThan(400)
      expect((await cache.info()).entries).toBe(ENTRIES)
      expect(await cache.verify()).toMatchObject({ checked: ENTRIES, corrupt: 0 })
      started = performance.now()
      expect(await cache.clear()).toBe(ENTRIES)
      expect(performance.now() - started).toBeGreaterThan(400)
      expect(await cache.get('k1')).toBeNull()
      expect(errors, errors.join('\n')).toEqual([])
    } finally {
      await m.close()
    }
  }, 60_000)

  it('`unperf cache`\'s listing of the namespaces waits while its round trips are answered, not for its bound in all', async () => {
    const cwd = tempDir('unperf-many-keys-cwd-')
    const writer = manager({ cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    await writer.cache.setMany(Array.from({ length: ENTRIES }, (_, i) => [`k${i}`, { i }] as [string, unknown]))
    await writer.cache.namespace('other').set('x', 1)
    await writer.m.close()
    // the same scope, through the proxy: a SCAN of 5 000 keys or more is 5 round trips of 50 ms or more
    const { config, m } = manager({ cwd, driver: [{ driver: 'redis', url: slow.url }], timeout: 200 })
    await m.close()
    const unlisted: string[] = []
    const onUnlisted = (kind: string, reason: string) => { unlisted.push(`${kind}: ${reason}`) }
    try {
      expect(await storedNamespaces(config, undefined, { boundMs: 150, onUnlisted, whileAnswered: true })).toEqual(expect.arrayContaining(['default', 'other']))
      expect(unlisted).toEqual([])
      // info()'s listing keeps its bound in all
      expect(await storedNamespaces(config, undefined, { boundMs: 150, onUnlisted })).not.toContain('other')
      expect(unlisted).toEqual(['redis: no answer within 150 ms'])
    } finally {
      const { cache, m: cleaner } = manager({ cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
      await cache.clear()
      await cache.namespace('other').clear()
      await cleaner.close()
    }
  }, 60_000)
})
