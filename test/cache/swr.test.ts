/**
 * swr: a stale value is served while ONE background call of fn revalidates it. Callers that come
 * while that call runs are served the stale value too and start no call of their own ("one fn call
 * per key at a time"); once it has written, they get the new value.
 */
import { describe, expect, it, vi } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { manager, type ManagerOptions } from './_manager.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function revalidatesOnce(driver: ManagerOptions['driver']) {
  return async () => {
    const { m, cache } = manager({ driver, swr: 60_000 })
    let calls = 0
    const fn = async () => { calls++; await sleep(100); return `v${calls}` }
    expect(await cache.wrap('k', fn, { ttl: 50 })).toBe('v1')
    await sleep(80)
    // five callers one after the other while the revalidation runs: all stale, one call
    // (the revalidated value gets the ttl of the call that started it)
    for (let i = 0; i < 5; i++) expect(await cache.wrap('k', fn, { ttl: 60_000 })).toBe('v1')
    expect(calls).toBe(2)
    await sleep(150)
    expect(await cache.get('k')).toBe('v2')
    expect(calls).toBe(2)
    await m.close()
  }
}

describe('swr revalidation', () => {
  it('memory: one background call per key, however many callers are served stale meanwhile', revalidatesOnce('memory'))
  it('fs: one background call per key, however many callers are served stale meanwhile', revalidatesOnce('fs'))

  it('a failed revalidation lets the next caller try again', async () => {
    const { m, cache } = manager({ driver: 'memory', swr: 60_000 })
    let calls = 0
    expect(await cache.wrap('k', async () => { calls++; return 'v1' }, { ttl: 20 })).toBe('v1')
    await sleep(40)
    expect(await cache.wrap('k', async () => { calls++; throw new Error('down') }, { ttl: 20 })).toBe('v1')
    await sleep(10)
    // its write lives an hour: on a loaded machine 20 ms could pass before the get() below (a miss)
    expect(await cache.wrap('k', async () => { calls++; return 'v3' }, { ttl: '1h' })).toBe('v1')
    for (let waited = 0; calls < 3 && waited < 2000; waited += 10) await sleep(10)
    expect(calls).toBe(3)
    await vi.waitFor(async () => expect(await cache.get('k')).toBe('v3'))
    expect(await cache.get('k')).toBe('v3')
    await m.close()
  })
})

describe('swr revalidation at close()', () => {
  // a CLI serves the stale value, finishes its command and closes: the revalidation it started
  // (here longer than the 2 s close() gives promotions) must be written, not dropped at exit
  it('close() awaits a pending revalidation to its end, and the next process reads its value', async () => {
    const dir = tempDir('unperf-swr-close-')
    const cwd = tempDir('unperf-swr-close-cwd-')
    const first = manager({ driver: 'fs', swr: 60_000, dir, cwd })
    expect(await first.cache.wrap('k', async () => 'v1', { ttl: 50 })).toBe('v1')
    await sleep(80)
    let finished = false
    const started = Date.now()
    expect(await first.cache.wrap('k', async () => { await sleep(2500); finished = true; return 'v2' }, { ttl: '1h' })).toBe('v1')
    expect(Date.now() - started).toBeLessThan(1000)
    await first.m.close()
    expect(finished).toBe(true)
    const next = manager({ driver: 'fs', dir, cwd })
    expect(await next.cache.get('k')).toBe('v2')
    await next.m.close()
  }, 15_000)
})

/** Two machines' caches of one project (each its own fs dir) on one Redis, swr 60 s: the fs + Redis tiers and both. */
function twoMachines(prefix: string) {
  const cwd = tempDir(prefix)
  const driver = ['fs' as const, { driver: 'redis' as const, url: redisUrl! }]
  return { cwd, driver, a: manager({ cwd, driver, swr: 60_000, timeout: 5000 }), b: manager({ cwd, driver, swr: 60_000, timeout: 5000 }) }
}

describeRedis('swr revalidation on redis', () => {
  it('one background call per key', revalidatesOnce({ driver: 'redis', url: redisUrl! }))

  // a process that finds another revalidating the key (its lock held) serves the stale value and
  // does not wait for that fn: close() returns at once (it waited for the other's fn, minutes for a build step)
  it("a revalidation does not wait for another process's: close() is not held by it", async () => {
    const { cwd, driver, a, b } = twoMachines('unperf-swr-peer-')
    let calls = 0
    const slow = async () => { calls++; await sleep(2000); return `v${calls}` }
    expect(await a.cache.wrap('k', async () => 'v0', { ttl: 300 })).toBe('v0')
    expect(await b.cache.wrap('k', slow, { ttl: 300 })).toBe('v0')
    await sleep(350)
    expect(await a.cache.wrap('k', slow, { ttl: '1h' })).toBe('v0')
    await vi.waitFor(() => expect(calls).toBe(1))
    await sleep(100)
    expect(await b.cache.wrap('k', slow, { ttl: '1h' })).toBe('v0')
    const closing = Date.now()
    await b.m.close()
    expect(Date.now() - closing).toBeLessThan(1000)
    await a.m.close()
    expect(calls).toBe(1)
    const next = manager({ cwd, driver, timeout: 5000 })
    expect(await next.cache.get('k')).toBe('v1')
    await next.m.close()
  })

  // two machines: each its own fs tier, one Redis. The second's fs copies went stale, the first
  // revalidated into the Redis: the second's get() reads that value (it missed on its stale copy),
  // and its wrap() serves its stale copy at once (swr) but revalidates from the Redis, without fn
  // (3 processes on 3 cache dirs called fn 3 times, one after the other)
  it("a stale copy in a faster tier does not hide the fresh value another machine's revalidation wrote to Redis", async () => {
    const { a, b } = twoMachines('unperf-swr-machines-')
    let calls = 0
    const fn = async () => `v${++calls}`
    for (const key of ['g', 'w']) {
      expect(await a.cache.wrap(key, fn, { ttl: 300 })).toBe(`v${calls}`)
      // b's fs tier gets its copy (promoted from the Redis)
      expect(await b.cache.wrap(key, fn, { ttl: 300 })).toBe(`v${calls}`)
    }
    expect(calls).toBe(2)
    await vi.waitFor(async () => expect((await b.cache.getEntry('w'))?.value).toBe('v2'))
    await sleep(350)
    for (const key of ['g', 'w']) {
      await a.cache.wrap(key, fn, { ttl: '1h' })
      await vi.waitFor(async () => expect(await a.cache.has(key)).toBe(true))
    }
    expect(calls).toBe(4)
    expect(await b.cache.get('g')).toBe('v3')
    expect(await b.cache.wrap('w', fn, { ttl: '1h' })).toBe('v2')
    await b.m.close()
    expect(await b.cache.get('w')).toBe('v4')
    await a.m.close()
    expect(calls).toBe(4)
  })
})
