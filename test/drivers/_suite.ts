/**
 * The conformance suite every tier runs (issue 4): the same envelope semantics on every driver,
 * exact round-trips, collision-free and traversal-safe keys, keys() of one namespace only,
 * getMany/setMany, delete/clear counts, prune (expired first, then LRU), stats.
 */
import { describe, expect, it, afterAll } from 'vitest'
import type { ResolvedDriverSpec } from '../../src/config/types.js'
import { createTier } from '../../src/drivers/tiers.js'
import type { StoredEntry, Tier } from '../../src/drivers/types.js'

export interface SuiteOptions {
  /** The resolved driver spec under test. */
  spec: () => ResolvedDriverSpec
  /** A per-test directory for fs tiers (and a unique prefix otherwise). */
  dir: () => string
  /** Evicts least recently used entries in prune(maxBytes) (redis and unstorage drivers rely on their own eviction). @default true */
  lru?: boolean
}

let counter = 0
export function entry(key: string, value: unknown, o: Partial<StoredEntry> = {}): StoredEntry {
  return { key, value, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0, ...o }
}

const KEYS = [
  'a/b', 'a:b', 'a_b', 'A/B', 'a%2Fb', '../escape', '../../etc/passwd', '/abs/path', 'C:\\win', 'nul\u0000byte', 'con',
  'k'.repeat(10_000), 'héllo ☃', '日本語', '.', '..', '', ' ', '~tilde', 'readable-key.v1',
]

export function driverSuite(name: string, o: SuiteOptions): void {
  describe(`driver conformance: ${name}`, () => {
    const opened: Tier[] = []
    afterAll(async () => { for (const t of opened) await t.close().catch(() => {}) })
    const open = async (namespace = 'ns', dir = o.dir()): Promise<Tier> => {
      const run = `${process.pid}-${++counter}`
      const tier = await createTier(o.spec(), {
        prefix: `conf:${run}:${namespace}`, fsDir: () => `${dir}/${namespace}`, encode: { compress: 1000, integrity: true }, timeout: 2000,
      })
      opened.push(tier)
      return tier
    }

    it('a missing key is null', async () => {
      expect(await (await open()).get('nope')).toBeNull()
    })

    it('round-trips values exactly, with times and metadata', async () => {
      const t = await open()
      const values: unknown[] = ['456', 456, null, false, '', { a: [1, null, 'x'] }, 'x'.repeat(50_000), Buffer.from([0, 255]), new Uint8Array([1, 2])]
      for (const [i, v] of values.entries()) {
        const e = entry(`v${i}`, v, { createdAt: 1000 + i, expiresAt: Date.now() + 60_000, staleFor: 5, metadata: { tag: i } })
        await t.set(e)
        const got = await t.get(`v${i}`)
        expect(got).not.toBeNull()
        expect(got!.key).toBe(`v${i}`)
        expect(got!.createdAt).toBe(1000 + i)
        expect(got!.expiresAt).toBe(e.expiresAt)
        expect(got!.staleFor).toBe(5)
        expect(got!.metadata).toEqual({ tag: i })
        expect(got!.size).toBeGreaterThanOrEqual(typeof v === 'string' && v.length > 1000 ? 1 : 0)
        if (v instanceof Uint8Array) {
          expect(got!.value).toBeInstanceOf(Uint8Array)
          expect(Buffer.isBuffer(got!.value)).toBe(Buffer.isBuffer(v))
          expect([...(got!.value as Uint8Array)]).toEqual([...v])
        } else {
          expect(got!.value).toEqual(v)
          expect(typeof got!.value).toBe(typeof v)
        }
      }
    })

    it('gives back -0 as -0, alone, inside a value, beside bytes and compressed (JSON.stringify writes 0)', async () => {
      const t = await open()
      const values: unknown[] = [-0, [0, -0], { z: -0, n: 1, deep: [{ z: -0 }] }, { data: Buffer.from([1]), z: -0 }, { pad: 'x'.repeat(50_000), z: -0 }]
      for (const [i, v] of values.entries()) await t.set(entry(`z${i}`, v))
      const got = await Promise.all(values.map((_, i) => t.get(`z${i}`).then(e => e?.value as any)))
      expect(Object.is(got[0], -0)).toBe(true)
      expect([Object.is(got[1][0], 0), Object.is(got[1][1], -0)]).toEqual([true, true])
      expect([Object.is(got[2].z, -0), got[2].n, Object.is(got[2].deep[0].z, -0)]).toEqual([true, 1, true])
      expect([Buffer.isBuffer(got[3].data), Object.is(got[3].z, -0)]).toEqual([true, true])
      expect([got[4].pad.length, Object.is(got[4].z, -0)]).toEqual([50_000, true])
    })

    it('gives back -0 in metadata as -0 (the value path\'s exact JSON; JSON.stringify wrote 0)', async () => {
      const t = await open()
      await t.set(entry('m', 1, { metadata: { z: -0, n: 0, deep: [{ z: -0 }], s: '-0' } }))
      const m = (await t.get('m'))!.metadata as { z: number; n: number; deep: { z: number }[]; s: string }
      expect([Object.is(m.z, -0), Object.is(m.n, 0), Object.is(m.deep[0]!.z, -0), m.s]).toEqual([true, true, true, '-0'])
    })

    it('keys are distinct, stay inside, and keys() returns the originals', async () => {
      const t = await open()
      for (const [i, k] of KEYS.entries()) await t.set(entry(k, i))
      for (const [i, k] of KEYS.entries()) expect((await t.get(k))?.value).toBe(i)
      expect((await t.keys()).sort()).toEqual([...KEYS].sort())
    })

    it('keys() and clear() cover one namespace only', async () => {
      const dir = o.dir()
      const a = await open('one', dir)
      const b = await open('two', dir)
      await a.set(entry('x', 1))
      await a.set(entry('y', 2))
      await b.set(entry('x', 'other'))
      expect((await a.keys()).sort()).toEqual(['x', 'y'])
      expect(await b.keys()).toEqual(['x'])
      expect(await a.clear()).toBe(2)
      expect(await a.keys()).toEqual([])
      expect((await b.get('x'))?.value).toBe('other')
    })

    it('keys() lists what a lookup still returns: fresh entries and those within their stale window, not those past it', async () => {
      const t = await open()
      const now = Date.now()
      // a key whose header is longer than the fs tier's first read of a file
      const long = 'l'.repeat(3000)
      const listed = async (options?: { expired?: boolean; fresh?: boolean }) => (await t.keys(options)).map(k => k.replace(long, '<long>')).sort()
      await t.set(entry('fresh', 1, { expiresAt: now + 60_000 }))
      await t.set(entry('forever', 2))
      // past its ttl, within its stale window (swr / staleIfError): wrap() may still serve it
      await t.set(entry('stale', 3, { expiresAt: now - 1000, staleFor: 60_000 }))
      await t.set(entry('gone', 4, { expiresAt: now - 1000, staleFor: 500 }))
      await t.set(entry(long, 5, { expiresAt: now - 1000 }))
      await t.set(entry(`${long}-live`, 6, { expiresAt: now + 60_000 }))
      const live = ['<long>-live', 'forever', 'fresh', 'stale']
      expect(await listed()).toEqual(live)
      // listing removes nothing: every stored entry with expired: true (redis drops them itself, PX)
      expect(await listed({ expired: true })).toEqual(name === 'redis' ? live : ['<long>', '<long>-live', 'forever', 'fresh', 'gone', 'stale'])
      expect(await listed()).toEqual(live)
      // fresh: what get() and has() find, the stale one left out (the cache's keys())
      expect(await listed({ fresh: true })).toEqual(['<long>-live', 'forever', 'fresh'])
    })

    it('keys() leaves out entries stamped ahead of the clock (get() finds them expired), lists them with expired: true', async () => {
      const t = await open()
      const now = Date.now()
      const HOUR = 3_600_000
      const long = 'a'.repeat(3000)
      // written while the clock was 3 hours ahead (then set back), ttl 1 minute, stale window 3 hours
      for (const key of ['ahead', long]) await t.set(entry(key, 1, { createdAt: now + 3 * HOUR, expiresAt: now + 3 * HOUR + 60_000, staleFor: 3 * HOUR }))
      // a machine 10 s ahead sharing the cache: within the allowed skew, fresh
      await t.set(entry('skewed', 2, { createdAt: now + 10_000, expiresAt: now + 70_000 }))
      await t.set(entry('forever', 3, { createdAt: now + 3 * HOUR }))
      expect((await t.keys()).sort()).toEqual(['forever', 'skewed'])
      expect((await t.keys({ expired: true })).map(k => (k === long ? '<long>' : k)).sort()).toEqual(['<long>', 'ahead', 'forever', 'skewed'])
    })

    it('getMany / setMany keep order; delete says whether it removed', async () => {
      const t = await open()
      await t.setMany([entry('m1', 'one'), entry('m2', '2'), entry('m3', null)])
      const got = await t.getMany(['m3', 'missing', 'm1', 'm2'])
      expect(got.map(e => (e && !(e instanceof Error) ? e.value : e))).toEqual([null, null, 'one', '2'])
      expect(got[1]).toBeNull()
      expect(await t.delete('m1')).toBe(true)
      expect(await t.delete('m1')).toBe(false)
      expect(await t.get('m1')).toBeNull()
    })

    it('prune removes expired entries first, then least recently used down to maxBytes', async () => {
      const t = await open()
      const now = Date.now()
      await t.set(entry('expired', 'x'.repeat(200), { expiresAt: now - 1000 }))
      for (let i = 0; i < 5; i++) await t.set(entry(`live${i}`, 'y'.repeat(200), { expiresAt: now + 60_000 }))
      await t.get('live0') // most recently used now
      const removed = await t.prune(Number.MAX_SAFE_INTEGER, now)
      // drivers with their own expiry (redis PX) may have dropped it already
      expect(removed.every(r => r.key === 'expired' && r.reason === 'expired')).toBe(true)
      expect(await t.get('expired')).toBeNull()
      expect((await t.keys()).sort()).toEqual(['live0', 'live1', 'live2', 'live3', 'live4'])
      if (o.lru === false) return
      const perEntry = (await t.stats()).bytes / 5
      const lru = await t.prune(Math.floor(perEntry * 2.5), now)
      expect(lru.every(r => r.reason === 'lru')).toBe(true)
      expect(lru.map(r => r.key)).not.toContain('live0')
      expect((await t.keys()).sort()).toEqual(['live0', 'live4'])
      expect((await t.stats()).entries).toBe(2)
    })
  })
}
