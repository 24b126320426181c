/**
 * A wrap() miss on a namespace with no Redis tier has no cross-process lock to take: fn runs in
 * wrap()'s own frame, and a synchronous (memory) write is not awaited. It went through produce()'s
 * async frames (produce, the look for a Redis tier, the computation, each with its awaits): ~1.5 kB
 * more per miss, held while fn ran; with 1 000 calls in flight (bench/scenarios/plugin-framework.mjs)
 * that is what V8 copies at each scavenge. Counted with V8's promise hooks (exact for a given Node,
 * no timing); what a miss must keep: one fn call per key at a time, the stats, errors not cached,
 * staleIfError.
 */
import { promiseHooks } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

const MISSES = 500

describe('a wrap() miss on a memory-only namespace', () => {
  it('creates fewer than 14 promises, and keeps single flight, the stats and staleIfError', async () => {
    const { cache } = manager({ driver: 'memory', staleIfError: 60_000 })
    await cache.wrap('warm-up', async () => 0) // builds the tiers
    let promises = 0
    let calls = 0
    const stop = promiseHooks.onInit(() => { promises++ })
    let values: number[]
    try {
      values = await Promise.all(Array.from({ length: MISSES }, (_, i) => cache.wrap(`k${i}`, async () => { calls++; return i })))
    } finally {
      stop()
    }
    // measured on Node 20 (promise hooks on: each await counts its throwaway promise): 18 through
    // produce(), 10 since; fn's own promise, the single flight's and Promise.all's are in the count
    expect(promises / MISSES).toBeLessThan(14)
    expect(values).toEqual(Array.from({ length: MISSES }, (_, i) => i))
    expect(calls).toBe(MISSES)

    // concurrent misses of one key share one call; joined callers count as that call turned out
    const before = cache.stats()
    const shared = await Promise.all(Array.from({ length: 5 }, () => cache.wrap('one', async () => { calls++; return 'v' })))
    expect(shared).toEqual(['v', 'v', 'v', 'v', 'v'])
    expect(calls).toBe(MISSES + 1)
    expect(cache.stats().misses - before.misses).toBe(5)
    expect(await cache.wrap('one', async () => 'again')).toBe('v')

    // an error is not cached; a stale value within staleIfError is served when fn throws
    await expect(cache.wrap('bad', async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await cache.wrap('bad', async () => 'fine')).toBe('fine')
    await cache.set('old', 'stale value', { ttl: 1 })
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(await cache.wrap('old', async () => { throw new Error('down') })).toBe('stale value')
  })
})
