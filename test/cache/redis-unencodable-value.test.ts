/**
 * A value the cache cannot encode (a BigInt, an object with a cycle: not JSON) is the caller's
 * mistake in one call. On the fs tier it failed that write alone; on Redis it marked the whole tier
 * down ("skipped for now and retried with backoff"), so every later get and set of the process,
 * of good values too, skipped Redis.
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const own = ownRedisServer([], { raw: true })

describe.skipIf(!hasRedisServer)('a value that cannot be encoded, on a redis tier', () => {
  it('fails that one write; the tier stays up for the values after it', async () => {
    const { cache, m, warnings } = manager({ driver: [{ driver: 'redis', url: own.url }], timeout: 2000 })
    await cache.set('before', 'ok') // connected
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    await cache.set('bigint', 10n as unknown)
    await cache.set('cycle', cycle)
    await cache.set('after', 'still stored')
    expect(await cache.get('after')).toBe('still stored')
    expect(await cache.get('bigint')).toBe(null)
    const keys = (await own.raw!.keys('unperf:test-cli:s_*')).map(k => k.split(':').at(-1)).sort()
    expect(keys).toEqual(['after', 'before'])
    expect(warnings.join('\n')).not.toMatch(/skipped for now/)
    expect(cache.stats().errors).toBe(2)
    await m.close()
  }, 30_000)
})
