/**
 * getEntry()'s `size` is one thing: the entry's bytes as a byte tier stores it (the encoded envelope:
 * header, key, metadata, the value compressed past `compress`), whichever tier answers and in
 * whichever process. The writer's memory tier reported its own estimate of the value (2 bytes a
 * character: a 20 kB string was ≈ 40 000 there and ≈ 70 in the next process, read from disk).
 */
import { describe, expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { child, childLib } from './_children.js'
import { manager } from './_manager.js'
import type { DriverConfig } from '../../src/config/types.js'
import type { MemoryTier } from '../../src/drivers/memory.js'
import type { Tier } from '../../src/drivers/types.js'

const lib = childLib()

const VALUES: Record<string, unknown> = {
  compressible: 'y'.repeat(20_000),
  object: { a: [1, 2, 3], b: 'héllo ☃' },
  bytes: Buffer.from([0, 1, 2, 255]),
  nested: { name: 'a.png', data: Buffer.alloc(300, 7) },
  small: 'x',
}
const KEYS = [...Object.keys(VALUES), 'many-1', 'many-2', 'wrapped', 'with-metadata']

/** Writes each key by one path of the API (set, setMany, wrap, set with metadata); returns getEntry().size of each, in this process. */
async function writeAll(cache: ReturnType<typeof manager>['cache']): Promise<Record<string, number | null>> {
  for (const [k, v] of Object.entries(VALUES)) await cache.set(k, v)
  await cache.setMany([['many-1', { n: 1 }], ['many-2', 'z'.repeat(9000)]])
  await cache.wrap('wrapped', () => ({ computed: 'w'.repeat(5000) }))
  await cache.set('with-metadata', 'v', { metadata: { etag: '"abc"' } })
  const sizes: Record<string, number | null> = {}
  for (const k of KEYS) sizes[k] = (await cache.getEntry(k))?.size ?? null
  return sizes
}

async function sizesIn(driver: DriverConfig, dir: string, cwd: string) {
  const r = await child(lib(), 'entry-sizes.mjs', { dir, cwd, driver, keys: KEYS }).done
  expect(r.code, r.err).toBe(0)
  return JSON.parse(r.out) as { first: Record<string, number | null>; again: Record<string, number | null> }
}

describe('getEntry().size across tiers and processes', () => {
  it('memory + fs: the writer (its memory tier answering) and another process (fs, then its memory tier) report the same size', async () => {
    const { cache, m, dir, cwd } = manager({ driver: ['memory', 'fs'] })
    const here = await writeAll(cache)
    await m.close()
    for (const k of KEYS) expect(here[k], k).toBeGreaterThan(0)
    // the compressible string is stored compressed: its size is the envelope's, not 40 000
    expect(here.compressible).toBeLessThan(1000)
    const there = await sizesIn(['memory', 'fs'], dir, cwd)
    expect(there.first).toEqual(here)
    expect(there.again).toEqual(here)
    // and a process with the fs tier alone
    expect((await sizesIn(['fs'], dir, cwd)).first).toEqual(here)
  })

  it('a memory tier after the fs tier still counts a write as its value\'s estimate, not the encoded size the fs tier recorded first', async () => {
    // 40 000 bytes as a JS string, ≈ 70 encoded: over a 30 000-byte namespace in memory, not on disk
    const { cache, m } = manager({ driver: ['fs', 'memory'], maxSize: 30_000 })
    await cache.set('warm-up', 1) // the fs tier's dir checks done: its next set() encodes at once, before the memory tier's
    await cache.set('s', 'y'.repeat(20_000))
    const guards = await (cache as unknown as { _tiers: { guards(): Promise<{ tier: Tier }[]> } })._tiers.guards()
    const memory = guards[1]!.tier as MemoryTier
    expect(memory.getSync('s')).toBeNull() // refused: its value is 40 000 bytes of heap
    expect((await cache.getEntry('s'))!.size).toBeLessThan(1000)
    await m.close()
  })

  it('a memory-only namespace: the value\'s estimate, as its maxSize counts it (no byte tier stores it)', async () => {
    const { cache, m } = manager({ driver: 'memory' })
    await cache.set('s', 'y'.repeat(20_000))
    expect((await cache.getEntry('s'))!.size).toBe(40_000)
    await m.close()
  })
})

describe('cache:set carries that size', () => {
  for (const driver of [['memory', 'fs'], 'memory', ['fs']] as DriverConfig[]) {
    it(`${JSON.stringify(driver)}: each write's cache:set size is the size getEntry() then gives (set, setMany, wrap)`, async () => {
      const { cache, m, hooks } = manager({ driver })
      const told: Record<string, number | undefined> = {}
      hooks.hook('cache:set', e => { told[e.key] = e.size })
      await writeAll(cache)
      for (const k of KEYS) expect(told[k], k).toBe((await cache.getEntry(k))!.size)
      await m.close()
    })
  }
})

describeRedis('getEntry().size with a Redis tier', () => {
  it('memory + fs + redis: the writer, a process on the same tiers, and one on Redis alone report the same size', async () => {
    const cwd = tempDir('unperf-size-cwd-')
    const driver: DriverConfig = ['memory', 'fs', { driver: 'redis', url: redisUrl! }]
    const { cache, m, dir } = manager({ driver, cwd, timeout: 5000 })
    const here = await writeAll(cache)
    await m.close()
    expect(here.compressible).toBeLessThan(1000)
    const same = await sizesIn(driver, dir, cwd)
    expect(same.first).toEqual(here)
    expect(same.again).toEqual(here)
    const redisOnly = await sizesIn([{ driver: 'redis', url: redisUrl! }], tempDir('unperf-size-other-dir-'), cwd)
    expect(redisOnly.first).toEqual(here)
    expect(redisOnly.again).toEqual(here)
  })
})
