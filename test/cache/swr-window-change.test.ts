/**
 * The stale windows (swr, staleIfError) are the reader's: a window changed in the config (a new
 * process with a new perf.config.ts) or passed to one wrap() call applies to the entries already
 * stored, whatever window they were written with, as long as a store still holds them (Redis drops
 * a key at its PX, set at write: one dropped is a miss). A ttl is the writer's: fixed at write.
 * Two managers on one cache dir (or one Redis) and project are two runs with different configs.
 */
import { readdirSync, statSync, utimesSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import type { CacheNamespace } from '../../src/runtime/cache/namespace.js'
import { keysOf } from '../../src/runtime/cache/namespace-management.js'
import { manager, type ManagerOptions } from './_manager.js'

/** The keys a lookup can still return, stale ones within their window included (what invalidate() and clear() count; keys() lists the fresh ones). */
const live = (cache: unknown) => {
  const ns = cache as CacheNamespace
  return keysOf(ns._tiers, ns._events).then(k => k.sort())
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Two runs on one cache (same dir and project: same scope), each with its own config. */
function twoRuns(driver: ManagerOptions['driver'], first: Partial<ManagerOptions>, second: Partial<ManagerOptions>) {
  const dir = tempDir('unperf-swr-dir-')
  const cwd = tempDir('unperf-swr-cwd-')
  return { before: manager({ driver, dir, cwd, ...first }), after: manager({ driver, dir, cwd, ...second }) }
}

function counter() {
  let calls = 0
  return { fn: async () => `v${++calls}`, calls: () => calls }
}

describe('a longer stale window applies to the entries already stored', () => {
  it('memory: a wrap() call with swr serves an entry written without a stale window, and revalidates it', async () => {
    const { m, cache } = manager({ driver: 'memory' })
    const c = counter()
    expect(await cache.wrap('k', c.fn, { ttl: 30 })).toBe('v1')
    await sleep(60)
    // (the revalidated value gets the ttl of the call that started it)
    expect(await cache.wrap('k', c.fn, { ttl: 60_000, swr: '1m' })).toBe('v1')
    await vi.waitFor(async () => expect(await cache.get('k')).toBe('v2'), 5000)
    expect(c.calls()).toBe(2)
    expect(m.stats().stale).toBe(1)
    await m.close()
  })

  it('fs: cache.swr turned on in the config serves what the previous run stored, and revalidates it', async () => {
    const { before, after } = twoRuns('fs', { swr: false }, { swr: 60_000 })
    const c = counter()
    expect(await before.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v1')
    await before.m.close()
    await sleep(100)
    // past its ttl: get(), has() and keys() miss it, but the entry is kept, since wrap() serves it now
    expect(await after.cache.get('k')).toBeNull()
    expect(await after.cache.keys()).toEqual([])
    expect(await live(after.cache)).toEqual(['k'])
    expect(await after.cache.wrap('k', c.fn, { ttl: 60_000 })).toBe('v1')
    await vi.waitFor(async () => expect(await after.cache.get('k')).toBe('v2'), 5000)
    expect(c.calls()).toBe(2)
    await after.m.close()
  })

  it('fs: prune() keeps an entry within the namespace\'s current window, written without one', async () => {
    const { before, after } = twoRuns('fs', { swr: false }, { swr: 60_000 })
    await before.cache.set('kept', 1, { ttl: 50 })
    await before.m.close()
    await sleep(100)
    expect(await after.cache.prune()).toBe(0)
    expect(await live(after.cache)).toEqual(['kept'])
    await after.m.close()
  })

  it('fs: the sweep of a later run keeps an entry within the namespace\'s current window, written without one', async () => {
    const { before, after } = twoRuns('fs', { swr: false }, { swr: 60_000 })
    await before.cache.set('kept', 1, { ttl: 50 })
    await before.m.close()
    await sleep(100)
    // the last sweep is two hours old: the next run's first write sweeps the namespace
    const markers = readdirSync(before.dir, { recursive: true, encoding: 'utf8' }).filter(p => basename(p) === '.swept')
    expect(markers).toHaveLength(1)
    const old = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(join(before.dir, markers[0]!), old, old)
    await after.cache.set('other', 2)
    await after.m.close()
    expect(statSync(join(before.dir, markers[0]!)).mtimeMs).toBeGreaterThan(old.getTime())
    const third = manager({ driver: 'fs', dir: after.dir, cwd: after.cwd, swr: 60_000 })
    expect(await live(third.cache)).toEqual(['kept', 'other'])
    expect(await third.cache.keys()).toEqual(['other'])
    await third.m.close()
  })

  it('fs: cache.staleIfError turned on in the config serves what the previous run stored when fn throws', async () => {
    const { before, after } = twoRuns('fs', { staleIfError: false }, { staleIfError: 3_600_000 })
    expect(await before.cache.wrap('k', async () => 'good', { ttl: 50 })).toBe('good')
    await before.m.close()
    await sleep(100)
    expect(await after.cache.wrap('k', async () => { throw new Error('offline') }, { ttl: 50 })).toBe('good')
    await after.m.close()
  })
})

describe('a shorter stale window applies to the entries already stored', () => {
  it('memory: a wrap() call with a shorter swr calls fn for an entry written with a longer one', async () => {
    const { m, cache } = manager({ driver: 'memory' })
    const c = counter()
    expect(await cache.wrap('k', c.fn, { ttl: 30, swr: '1m' })).toBe('v1')
    await sleep(100)
    expect(await cache.wrap('k', c.fn, { ttl: 30, swr: 20 })).toBe('v2')
    expect(m.stats().stale).toBe(0)
    await m.close()
  })

  it('fs: cache.swr shortened (or turned off) in the config: what the previous run stored is not served past it', async () => {
    const { before, after } = twoRuns('fs', { swr: 60_000 }, { swr: false })
    const c = counter()
    expect(await before.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v1')
    await before.m.close()
    await sleep(100)
    expect(await after.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v2')
    expect(after.m.stats().stale).toBe(0)
    await after.m.close()
  })
})

describeRedis('stale windows on a Redis tier: the reader\'s, within the key\'s PX', () => {
  const redis = (): ManagerOptions['driver'] => [{ driver: 'redis', url: redisUrl! }]

  it('swr turned on serves an entry Redis still holds (its PX covered its staleIfError window)', async () => {
    const { before, after } = twoRuns(redis(), { swr: false, staleIfError: 3_600_000 }, { swr: 60_000, staleIfError: 3_600_000 })
    const c = counter()
    expect(await before.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v1')
    await before.m.close()
    await sleep(100)
    expect(await after.cache.wrap('k', c.fn, { ttl: 60_000 })).toBe('v1')
    await vi.waitFor(async () => expect(await after.cache.get('k')).toBe('v2'), 5000)
    expect(c.calls()).toBe(2)
    await after.m.close()
  })

  it('swr turned on: an entry Redis dropped at its PX (ttl + the window it was written with) is a miss', async () => {
    const { before, after } = twoRuns(redis(), { swr: false }, { swr: 60_000 })
    const c = counter()
    expect(await before.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v1')
    await before.m.close()
    await sleep(150)
    expect(await after.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v2')
    expect(after.m.stats().stale).toBe(0)
    await after.m.close()
  })

  it('swr shortened: an entry Redis still holds is not served past the new window', async () => {
    const { before, after } = twoRuns(redis(), { swr: 60_000 }, { swr: 20 })
    const c = counter()
    expect(await before.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v1')
    await before.m.close()
    await sleep(150)
    expect(await after.cache.wrap('k', c.fn, { ttl: 50 })).toBe('v2')
    expect(after.m.stats().stale).toBe(0)
    await after.m.close()
  })
})
