/**
 * "maxSize: least recently used evicted first" with tiers: an fs tier behind a memory tier
 * (`driver: ['memory', 'fs']`) never saw the hits the memory tier answered, so its LRU order was
 * the order of the writes: the entry a run used last was the first the fs tier's size limit
 * evicted, in that run and, its access times written back at close, in the next one.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

const VALUE = 'v'.repeat(100)
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe("an fs tier behind a memory tier keeps the LRU order of the memory tier's hits", () => {
  it('the next run prunes the entries used least recently, not the ones written first', async () => {
    const first = manager({ driver: ['memory', 'fs'], compress: false })
    for (let i = 0; i < 5; i++) { await first.cache.set(`k${i}`, VALUE); await sleep(5) }
    // a hit the memory tier answers: the most recent use of all
    expect(await first.cache.get('k0')).toBe(VALUE)
    expect(await first.cache.getMany(['k1'])).toEqual([VALUE])
    await first.m.close()
    // (the fs tier's bytes: info() of tiers gives the largest tier's, here the memory tier's estimate)
    const onDisk = manager({ dir: first.dir, cwd: first.cwd, driver: 'fs' })
    const perEntry = (await onDisk.cache.info()).bytes / 5
    await onDisk.m.close()

    // the next run, with room for three: the two least recently used go (k2, k3), k0 and k1 stay
    const next = manager({ dir: first.dir, cwd: first.cwd, driver: ['memory', 'fs'], compress: false, maxSize: Math.floor(perEntry * 3.5) })
    expect(await next.cache.prune()).toBe(2)
    expect((await next.cache.keys()).sort()).toEqual(['k0', 'k1', 'k4'])
    await next.m.close()
  })
})
