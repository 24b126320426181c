/**
 * A shared Redis with `maxmemory` and `allkeys-lru` evicts whatever is least recently used, unperf's
 * wrap() locks included. Processes calling wrap() on the same keys while locks are evicted under them
 * may run fn twice (the lock is gone), but each gets a value some fn call produced for that key, none
 * hangs, and the entries left in Redis are whole. Against a redis-server of this file's own (4 MB,
 * allkeys-lru) kept full by filler keys; keyspace events say which keys it evicted.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { child as spawnChild, childLib } from './_children.js'
import { manager, twoOnRedis } from './_manager.js'

const lib = childLib()
const redis = ownRedisServer(['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru', '--notify-keyspace-events', 'Ee'], { raw: true })

/** Writes 64 KiB filler keys until stop() (~20 MB/s): Redis evicts about as many keys, its 4 MB turned over every ~200 ms. */
function fill(): { stop: () => Promise<number> } {
  let running = true
  let written = 0
  const body = 'x'.repeat(64 * 1024)
  const loop = (async () => {
    while (running) {
      const pipe = redis.raw!.pipeline()
      for (let i = 0; i < 8; i++) pipe.set(`filler:${written++}`, body)
      await pipe.exec()
      await new Promise(r => setTimeout(r, 25))
    }
  })()
  return { stop: async () => { running = false; await loop; return written } }
}

describe.skipIf(!hasRedisServer)('wrap() locks evicted by a full allkeys-lru Redis', () => {
  it('4 processes × 3 keys: each gets a value fn produced for its key, none hangs, the entries left are whole', async () => {
    const cwd = tempDir('unperf-evict-cwd-') // one project: one scope, the same lock keys
    const log = join(tempDir('unperf-evict-log-'), 'calls.log')
    writeFileSync(log, '')
    const keys = ['a', 'b', 'c'].map(k => `evict-${k}`)
    const evicted: string[] = []
    const events = new Redis(redis.url)
    await events.subscribe('__keyevent@0__:evicted')
    events.on('message', (_channel: string, key: string) => { if (!key.startsWith('filler:')) evicted.push(key) })
    const filler = fill()
    const started = Date.now()
    let results: { code: number | null; out: string; err: string }[]
    try {
      const children = Array.from({ length: 4 }, () => spawnChild(lib(), 'wrap-worker.mjs', { dir: tempDir('unperf-evict-'), cwd, url: redis.url, keys, holdMs: 2500, log }))
      await Promise.all(children.map(c => c.ready()))
      for (const c of children) c.proc.kill('SIGUSR2')
      results = await Promise.all(children.map(c => c.done))
    } finally {
      await filler.stop()
      events.disconnect()
    }
    const took = Date.now() - started
    for (const r of results) expect(r.code, r.err).toBe(0)
    // the scenario happened: Redis evicted unperf's own keys (locks, entries) while the processes ran
    expect(evicted.filter(k => k.startsWith('lock:')).length, evicted.join('\n')).toBeGreaterThan(0)
    const calls = readFileSync(log, 'utf8').trim().split('\n').map(line => line.split(' '))
    const producedBy = new Map<string, Set<string>>()
    for (const [what, pid, key] of calls) if (what === 'end') producedBy.set(key!, (producedBy.get(key!) ?? new Set()).add(pid!))
    // fn calls of one key at once: a lock evicted under its holder used to let every waiter in (4)
    const running = new Map<string, number>()
    let atOnce = 0
    for (const [what, , key] of calls) {
      running.set(key!, (running.get(key!) ?? 0) + (what === 'start' ? 1 : -1))
      atOnce = Math.max(atOnce, running.get(key!)!)
    }
    expect(atOnce, readFileSync(log, 'utf8')).toBeLessThanOrEqual(2)
    for (const r of results) {
      const { got } = JSON.parse(r.out.trim().split('\n').at(-1)!) as { got: { key: string; by: number }[] }
      // a value of its own key, produced by a call of fn that ran to its end
      expect(got.map(g => g.key)).toEqual(keys)
      for (const g of got) expect(producedBy.get(g.key)?.has(String(g.by)), JSON.stringify(g)).toBe(true)
    }
    // no waiter stuck until its 30 s deadline: 3 keys × 2.5 s with a few runs of fn twice, not 3 × 4 × 2.5 s
    expect(took).toBeLessThan(25_000)
    // what is left in Redis reads back whole
    const { cache, m, hooks } = manager({ cwd, driver: [{ driver: 'redis', url: redis.url }], timeout: 5000 })
    let corrupt = 0
    hooks.hook('cache:error', () => { corrupt++ })
    for (const key of keys) {
      const v = await cache.get<{ key: string; by: number }>(key)
      if (v !== null) expect(producedBy.get(key)?.has(String(v.by))).toBe(true)
    }
    expect(corrupt).toBe(0)
    await m.close()
  }, 90_000)

  it('a lock gone while its holder runs fn (evicted): the holder writes it back, the waiter waits for its value', async () => {
    const { first, second, close } = await twoOnRedis(redis.url, tempDir('unperf-evict-one-'))
    let calls = 0
    const holder = first.wrap('one', () => new Promise(resolve => setTimeout(() => { calls++; resolve('first') }, 2500)))
    await new Promise(r => setTimeout(r, 200))
    const waiter = second.wrap('one', () => { calls++; return 'second' })
    await new Promise(r => setTimeout(r, 200))
    // what an allkeys-lru eviction does to it
    const [lock] = await redis.raw!.keys('lock:*:one')
    expect(lock).toBeDefined()
    expect(await redis.raw!.del(lock!)).toBe(1)
    expect(await Promise.all([holder, waiter])).toEqual(['first', 'first'])
    expect(calls).toBe(1)
    await close()
  }, 30_000)

  it('a holder whose fn threw: the waiter takes the lock at once (no grace), and its fn runs', async () => {
    const { first, second, close } = await twoOnRedis(redis.url, tempDir('unperf-evict-throw-'))
    const holder = first.wrap('throws', () => new Promise((_, reject) => setTimeout(() => reject(new Error('build failed')), 800)))
    await new Promise(r => setTimeout(r, 200))
    let threwAt = 0
    holder.catch(() => { threwAt = Date.now() })
    const waiter = await second.wrap('throws', () => Date.now())
    await expect(holder).rejects.toThrow('build failed')
    expect(threwAt).toBeGreaterThan(0)
    // its fn ran right after the holder gave up, not after the 3 s grace of a vanished lock
    expect(waiter - threwAt).toBeLessThan(1000)
    await close()
  }, 30_000)
})
