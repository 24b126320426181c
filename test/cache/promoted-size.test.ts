/**
 * A memory tier in front of a byte tier (`driver: ['memory', 'fs']`) keeps what it promotes within
 * its maxSize by the values it holds. A promoted entry was counted at its encoded size: compressed,
 * a 20 kB string is ≈ 70 bytes on disk, so the next run's memory tier held every such value it read
 * (here 20 × 40 kB of heap in a 100 kB namespace). Its `size` (getEntry) stays the encoded one.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

const VALUE = 'y'.repeat(20_000) // 40 kB as a JS string (UTF-16), ≈ 70 bytes compressed

describe('values promoted from an fs tier into a memory tier', () => {
  it('count against maxSize as the values the memory tier holds, not as their compressed bytes', async () => {
    const maxSize = 100_000
    const first = manager({ driver: ['memory', 'fs'], maxSize })
    for (let i = 0; i < 20; i++) await first.cache.set(`k${i}`, VALUE)
    await first.m.close()

    const next = manager({ dir: first.dir, cwd: first.cwd, driver: ['memory', 'fs'], maxSize })
    for (let i = 0; i < 20; i++) expect(await next.cache.get(`k${i}`)).toBe(VALUE) // the fs tier answers, the memory tier takes each
    const fromMemory: string[] = []
    next.hooks.hook('cache:hit', e => { if (e.tierName === 'memory') fromMemory.push(e.key) })
    for (let i = 19; i >= 0; i--) expect(await next.cache.get(`k${i}`)).toBe(VALUE)
    // two 40 kB values fit in 100 kB: the two read last (then each read from disk takes the place of the oldest)
    expect(fromMemory).toEqual(['k19', 'k18'])
    const entry = await next.cache.getEntry('k19')
    expect(entry!.size).toBeLessThan(1000) // as stored: compressed
    await next.m.close()
  })

  it('so do the copies a sliding namespace writes back on each hit', async () => {
    const maxSize = 100_000
    const namespaces = { sessions: { sliding: true, ttl: 3_600_000 } }
    const first = manager({ driver: ['memory', 'fs'], maxSize, namespaces })
    for (let i = 0; i < 20; i++) await first.m.namespace('sessions').set(`k${i}`, VALUE)
    await first.m.close()

    const next = manager({ dir: first.dir, cwd: first.cwd, driver: ['memory', 'fs'], maxSize, namespaces })
    const sessions = next.m.namespace('sessions')
    for (let i = 0; i < 20; i++) expect(await sessions.get(`k${i}`)).toBe(VALUE) // each hit extends the ttl: written again
    const fromMemory: string[] = []
    next.hooks.hook('cache:hit', e => { if (e.tierName === 'memory') fromMemory.push(e.key) })
    for (let i = 19; i >= 0; i--) expect(await sessions.get(`k${i}`)).toBe(VALUE)
    expect(fromMemory.length).toBeLessThanOrEqual(2)
    await next.m.close()
  })
})
