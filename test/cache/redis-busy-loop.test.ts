/**
 * A remote tier's timeout judges the tier, not the host: a reply that arrived while the host's own
 * synchronous work kept the event loop busy past `timeout` is used, and the tier stays up.
 * Real redis-server (test/setup/redis.ts).
 */
import { describe, expect, inject, it } from 'vitest'
import { manager } from './_manager.js'

const url = inject('redisUrl')

/** The host's own CPU-bound work, holding the event loop (no timer involved). */
function busy(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) { /* spin */ }
}

describe.skipIf(!url)('redis tier under a busy event loop', () => {
  it('a reply received while the loop was blocked past the timeout is not a timeout', async () => {
    const { cache, hooks } = manager({ driver: [{ driver: 'redis', url: url! }], timeout: 100 })
    await cache.set('k', 'v') // connected
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code}: ${e.error instanceof Error ? e.error.message : String(e.error)}`) })
    const pending = Promise.all(Array.from({ length: 50 }, () => cache.get('k')))
    busy(400) // 4× the timeout: every timer is due before the replies are read
    expect(await pending).toEqual(Array.from({ length: 50 }, () => 'v'))
    expect(errors).toEqual([])
    expect(await cache.get('k')).toBe('v') // still up: not skipped
    expect(cache.stats().errors).toBe(0)
  })
})
