/**
 * A Buffer or Uint8Array inside a cached value (`{ name: 'a.png', data: buf }`, `[buf1, buf2]`) on
 * every byte tier: fs, Redis, unstorage (fs-lite). Before, those tiers refused it (E_VALUE: a miss,
 * a warning) while the memory tier kept it, so a CLI tested with `driver: 'memory'` broke with fs.
 * Through set/get, getMany/setMany, getEntry, wrap and cached, and read by another cache manager
 * over the same store (nothing of the first one's memory).
 */
import { describe, expect, it } from 'vitest'
import { redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { manager, type ManagerOptions } from './_manager.js'

function typed(v: unknown): unknown {
  if (v instanceof Uint8Array) return [Buffer.isBuffer(v) ? 'Buffer' : 'Uint8Array', Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')]
  if (Array.isArray(v)) return v.map(typed)
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, typed(e)]))
  return v
}

const large = Buffer.alloc(2_000_000)
for (let i = 0; i < large.length; i++) large[i] = (i * 31) & 255
const VALUES: Record<string, unknown> = {
  file: { name: 'a.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]) },
  pair: [Buffer.from('one'), new Uint8Array([2, 0, 2])],
  empty: { b: Buffer.alloc(0), u: new Uint8Array(0) },
  large: { large, u: new Uint8Array(large.buffer, large.byteOffset + 5, 1000) },
  many: Array.from({ length: 1000 }, (_, i) => (i % 2 ? Buffer.from(`b${i}`) : new Uint8Array([i & 255, 1]))),
  lookalike: { $bytes: 'AAEC', buf: { type: 'Buffer', data: [1] }, real: Buffer.from('r') },
}

const tiers: [string, () => Partial<ManagerOptions>][] = [
  ['fs', () => ({ driver: 'fs' })],
  ['unstorage (fs-lite)', () => ({ driver: [{ driver: 'fs-lite', base: tempDir('unperf-unstorage-') }] })],
  ...(redisUrl ? [['redis', () => ({ driver: [{ driver: 'redis' as const, url: redisUrl! }], timeout: 5000 })] as [string, () => Partial<ManagerOptions>]] : []),
]

describe.each(tiers)('Buffer/Uint8Array inside a value on the %s tier', (_name, options) => {
  it('round-trip exactly through every call, and for another manager over the same store', async () => {
    const o = options()
    const first = manager(o)
    const { cache, warnings } = first
    for (const [k, v] of Object.entries(VALUES)) await cache.set(k, v, { metadata: { k } })
    for (const [k, v] of Object.entries(VALUES)) expect(typed(await cache.get(k)), k).toEqual(typed(v))
    expect((await cache.getMany(Object.keys(VALUES))).map(typed)).toEqual(Object.values(VALUES).map(typed))
    await cache.setMany([['m1', { a: [Buffer.from('x')] }], ['m2', [new Uint8Array([7])], { ttl: '1h' }]])
    expect((await cache.getMany(['m1', 'm2'])).map(typed)).toEqual([{ a: [['Buffer', '78']] }, [['Uint8Array', '07']]])
    const entry = await cache.getEntry('file')
    expect(typed(entry?.value)).toEqual(typed(VALUES['file']))
    expect(entry?.metadata).toEqual({ k: 'file' })
    let calls = 0
    const fn = async () => { calls++; return { icon: new Uint8Array([1, 2, 3]), at: 'x' } }
    expect(typed(await cache.wrap('w', fn))).toEqual({ icon: ['Uint8Array', '010203'], at: 'x' })
    const wrapped = await cache.wrap('w', fn)
    expect(typed(wrapped)).toEqual({ icon: ['Uint8Array', '010203'], at: 'x' })
    expect(calls).toBe(1)
    const thumbs = cache.cached(async (n: number) => { calls++; return [Buffer.alloc(n, n)] }, { name: 'thumbs' })
    await thumbs(3)
    expect(typed(await thumbs(3))).toEqual([['Buffer', '030303']])
    expect(calls).toBe(2)
    expect(warnings).toEqual([])
    expect(cache.stats().errors).toBe(0)
    await first.m.close()

    const second = manager({ ...o, dir: first.dir, cwd: first.cwd })
    for (const [k, v] of Object.entries(VALUES)) expect(typed(await second.cache.get(k)), k).toEqual(typed(v))
    expect(typed(await second.cache.wrap('w', fn))).toEqual({ icon: ['Uint8Array', '010203'], at: 'x' })
    expect(calls).toBe(2)
    await second.m.close()
  }, 60_000)
})
