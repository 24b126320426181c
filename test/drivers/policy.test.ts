/**
 * The memory tier's eviction policies on their own: W-TinyLFU keeps the frequently used keys of a
 * skewed workload where LRU churns, resists scans, never holds more than maxBytes, and reports what
 * it evicted. Access patterns come from a seeded generator, so every run sees the same sequence.
 */
import { describe, expect, it } from 'vitest'
import { LruPolicy } from '../../src/drivers/policy/lru.js'
import { FrequencySketch, hashKey } from '../../src/drivers/policy/sketch.js'
import { TinyLfuPolicy } from '../../src/drivers/policy/tinylfu.js'
import type { EvictionPolicy } from '../../src/drivers/policy/types.js'
import type { StoredEntry } from '../../src/drivers/types.js'
import { MemoryTier } from '../../src/drivers/memory.js'
import { random } from '../helpers/random.js'

const entry = (key: string, size = 100): StoredEntry => ({ key, value: key, createdAt: 0, expiresAt: null, staleFor: 0, size })
/** A new entry for the memory tier (size 0), whose value it counts as `bytes` (a string of bytes / 2 characters). */
const sized = (key: string, bytes: number): StoredEntry => ({ key, value: 'x'.repeat(bytes / 2), createdAt: 0, expiresAt: null, staleFor: 0, size: 0 })

/** Zipf(s = 1) over n keys, by inverse CDF. */
function zipf(n: number, rnd: () => number): () => number {
  const cdf = new Float64Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) cdf[i] = (sum += 1 / (i + 1))
  for (let i = 0; i < n; i++) cdf[i]! /= sum
  return () => {
    const u = rnd()
    let lo = 0
    let hi = n - 1
    while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m]! < u) lo = m + 1; else hi = m }
    return lo
  }
}

/** Read-through: a miss writes the key. Returns the hit rate. */
function run(policy: EvictionPolicy, keys: Iterable<string>): number {
  let hits = 0
  let reads = 0
  for (const k of keys) {
    reads++
    if (policy.get(k)) hits++
    else policy.set(entry(k), 100)
  }
  return hits / reads
}

function* zipfKeys(count: number, seed: number) {
  const next = zipf(10_000, random(seed))
  for (let i = 0; i < count; i++) yield `item:${next()}`
}

describe('W-TinyLFU', () => {
  it('on Zipf (s = 1) over 10 000 keys with room for 10 % of them, hits > 70 % where LRU stays below', () => {
    const tinylfu = new TinyLfuPolicy(1000 * 100, { bytes: 0 })
    const lru = new LruPolicy(1000 * 100, { bytes: 0 })
    const a = run(tinylfu, zipfKeys(200_000, 7))
    const b = run(lru, zipfKeys(200_000, 7))
    // the oracle keeping the 1 000 most frequent keys gets H(1000)/H(10000) ≈ 76.5 %
    expect(a).toBeGreaterThan(0.7)
    expect(a).toBeLessThan(0.77)
    expect(b).toBeLessThan(a - 0.04)
    expect(tinylfu.count).toBeLessThanOrEqual(1000)
  })

  it('a scan of one-off keys does not flush the hot keys (LRU loses them all)', () => {
    const tinylfu = new TinyLfuPolicy(100 * 100, { bytes: 0 })
    const lru = new LruPolicy(100 * 100, { bytes: 0 })
    const hot = Array.from({ length: 50 }, (_, i) => `hot:${i}`)
    for (const p of [tinylfu, lru]) {
      for (let round = 0; round < 5; round++) run(p, hot)
      run(p, Array.from({ length: 5000 }, (_, i) => `scan:${i}`))
    }
    expect(hot.filter(k => tinylfu.get(k) !== null).length).toBeGreaterThanOrEqual(49)
    expect(hot.filter(k => lru.get(k) !== null)).toEqual([])
  })

  it('never holds more than maxBytes, whatever the sizes; the newest entry is always found', () => {
    const p = new TinyLfuPolicy(10_000, { bytes: 0 })
    const rnd = random(3)
    for (let i = 0; i < 5000; i++) {
      const key = `k${Math.floor(rnd() * 300)}`
      const size = 1 + Math.floor(rnd() * 2000)
      p.set(entry(key, size), size)
      expect(p.bytes).toBeLessThanOrEqual(10_000)
      expect(p.get(key)?.key).toBe(key)
      if (rnd() < 0.3) p.get(`k${Math.floor(rnd() * 30)}`)
    }
    // the sum of the nodes matches the counter
    let sum = 0
    for (const e of p.entries()) sum += e.size
    expect(sum).toBe(p.bytes)
  })

  it('an entry larger than the window is kept until the next write, then contends like any other', () => {
    const p = new TinyLfuPolicy(10_000, { bytes: 0 })
    for (let i = 0; i < 9; i++) for (let r = 0; r < 3; r++) { if (!p.get(`small${i}`)) p.set(entry(`small${i}`, 1000), 1000) }
    p.set(entry('big', 5000), 5000)
    expect(p.get('big')).not.toBeNull()
    expect(p.bytes).toBeLessThanOrEqual(10_000)
  })

  it('queues what it evicted, with keys and sizes, until drained', () => {
    const shared = { bytes: 0 }
    const p = new TinyLfuPolicy(1000, shared)
    for (let i = 0; i < 30; i++) p.set(entry(`k${i}`, 100), 100)
    const evicted = p.drain()
    expect(evicted.length).toBe(30 - p.count)
    expect(evicted.every(e => e.reason === 'lru' && e.size === 100 && /^k\d+$/.test(e.key))).toBe(true)
    expect(p.drain()).toEqual([])
    expect(shared.bytes).toBe(p.bytes)
    p.clear()
    expect(shared.bytes).toBe(0)
  })

  it('a rewrite keeps the entry and moves its bytes', () => {
    const p = new TinyLfuPolicy(10_000, { bytes: 0 })
    p.set(entry('a', 100), 100)
    p.set(entry('a', 300), 300)
    expect(p.count).toBe(1)
    expect(p.bytes).toBe(300)
    expect(p.delete('a')?.size).toBe(300)
    expect(p.bytes).toBe(0)
  })
})

describe('LRU', () => {
  it('evicts the least recently used first', () => {
    const p = new LruPolicy(300, { bytes: 0 })
    p.set(entry('a'), 100)
    p.set(entry('b'), 100)
    p.set(entry('c'), 100)
    p.get('a')
    p.set(entry('d'), 100)
    expect(p.drain().map(e => e.key)).toEqual(['b'])
    expect([...p.keys()].sort()).toEqual(['a', 'c', 'd'])
  })
})

describe('frequency sketch', () => {
  it('estimates counts up to 15 and halves them when aging', () => {
    const s = new FrequencySketch(64)
    const h = hashKey('hot')
    for (let i = 0; i < 10; i++) s.increment(h)
    expect(s.frequency(h)).toBe(10)
    for (let i = 0; i < 10; i++) s.increment(h)
    expect(s.frequency(h)).toBe(15)
    expect(s.frequency(hashKey('cold'))).toBe(0)
    // 10 × capacity increments age the sketch: every counter is halved
    for (let i = 0; s.frequency(h) === 15 && i < 64 * 10; i++) s.increment(hashKey(`other${i}`))
    expect(s.frequency(h)).toBe(7)
  })

  it('hashes keys to 32-bit unsigned integers that differ for near keys', () => {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => hashKey(`item:${i}`)))
    expect(hashes.size).toBe(10_000)
    for (const h of hashes) expect(h >>> 0).toBe(h)
  })
})

describe('the memory tier with a policy', () => {
  it('without a limit keeps everything, with either policy', async () => {
    for (const policy of ['tinylfu', 'lru'] as const) {
      const tier = new MemoryTier({ policy })
      for (let i = 0; i < 1000; i++) tier.setSync(sized(`k${i}`, 1000))
      for (let i = 0; i < 1000; i += 3) tier.getSync(`k${i}`)
      expect(await tier.stats()).toEqual({ entries: 1000, bytes: 1_000_000 })
      expect(tier.enforceSync(Number.POSITIVE_INFINITY)).toHaveLength(0)
    }
  })

  it("reports the policy's evictions on enforce and keeps maxBytes", async () => {
    const tier = new MemoryTier({ policy: 'tinylfu', maxBytes: 2000 })
    for (let i = 0; i < 50; i++) tier.setSync(sized(`k${i}`, 100))
    expect((await tier.stats()).bytes).toBeLessThanOrEqual(2000)
    const evicted = tier.enforceSync(2000)
    expect(evicted.length).toBe(50 - (await tier.stats()).entries)
    expect(tier.enforceSync(2000)).toHaveLength(0)
  })
})
