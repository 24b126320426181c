/**
 * Issue 4: fs writes are atomic and reads never see torn or foreign data, with many processes
 * writing the same keys, and a writer killed mid-write leaves no corrupt readable entry.
 * Children import a bundle of test/cache/_config.ts (real manager, real fs).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCK_TTL_MS, setLockTtlForTests } from '../../src/runtime/cache/redis-lock.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { child as spawnChild, childLib } from './_children.js'
import { manager, twoOnRedis } from './_manager.js'

const lib = childLib()
const child = (script: string, env: Record<string, unknown>) => spawnChild(lib(), script, env)

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
}

describe('many processes on one fs cache', () => {
  it('8 writers × 500 writes on the same keys: no torn or foreign reads', async () => {
    const dir = tempDir('unperf-mp-')
    const cwd = tempDir('unperf-mp-cwd-')
    const results = await Promise.all(Array.from({ length: 8 }, (_, writer) => child('writer.mjs', { dir, cwd, writer, writes: 500 }).done))
    for (const r of results) expect(r.code, r.err).toBe(0)
    const parsed = results.map(r => JSON.parse(r.out) as { bad: number; hits: number; reads: number; errors: number })
    expect(parsed.reduce((s, p) => s + p.bad, 0)).toBe(0)
    expect(parsed.reduce((s, p) => s + p.errors, 0)).toBe(0)
    expect(parsed.reduce((s, p) => s + p.hits, 0)).toBeGreaterThan(8 * 400)
    // every final entry is whole and under its own key; no temp files left behind
    const { cache, m } = manager({ dir, cwd })
    for (let k = 0; k < 10; k++) {
      const v = await cache.get<{ key: string }>(`k${k}`)
      expect(v?.key).toBe(`k${k}`)
    }
    expect((await cache.verify()).corrupt).toBe(0)
    // nor asides: each rewrite removes the entry it moved aside
    expect(filesUnder(dir).filter(f => /\.tmp|\.aside/.test(f))).toEqual([])
    await m.close()
  }, 120_000)

  it('a writer killed with SIGKILL in the middle of writes leaves no corrupt readable entry', async () => {
    const dir = tempDir('unperf-crash-')
    const cwd = tempDir('unperf-crash-cwd-')
    for (let round = 0; round < 3; round++) {
      const c = child('crasher.mjs', { dir, cwd })
      await c.ready()
      await new Promise(r => setTimeout(r, 50 + round * 37))
      c.proc.kill('SIGKILL')
      expect((await c.done).signal).toBe('SIGKILL')
      const { cache, m, hooks } = manager({ dir, cwd, compress: false })
      let errors = 0
      hooks.hook('cache:error', () => { errors++ })
      for (let k = 0; k < 5; k++) {
        const v = await cache.get<{ key: string; i: number; body: string }>(`big-${k}`)
        expect(v).not.toBeNull()
        expect(v!.key).toBe(`big-${k}`)
        expect(v!.body).toBe(`${v!.i}|`.repeat(60_000))
      }
      expect(errors).toBe(0)
      expect(m.stats().errors).toBe(0)
      expect((await cache.verify()).corrupt).toBe(0)
      await m.close()
    }
  }, 120_000)
})

describeRedis('a CLI process on a redis tier', () => {
  it('finishes an awaited redis round trip (the idle socket is unref\'d, calls in flight are not) and exits by itself', async () => {
    const c = child('redis-cli.mjs', { dir: tempDir('unperf-cli-'), cwd: tempDir('unperf-cli-cwd-'), url: redisUrl })
    const r = await c.done
    expect(r.code, r.err).toBe(0)
    expect(JSON.parse(r.out)).toEqual({ first: 'computed', second: 'computed' })
  }, 30_000)
})

describeRedis('a wrap() lock whose holder died', () => {
  it('is taken at once by a process of the same machine, not after the lock expires (5 s)', async () => {
    const key = `held-${process.pid}-${Date.now()}`
    const cwd = tempDir('unperf-lock-cwd-') // one project: one scope, one lock key
    const c = child('lock-holder.mjs', { dir: tempDir('unperf-lock-'), cwd, url: redisUrl, key })
    await c.ready()
    c.proc.kill('SIGKILL')
    expect((await c.done).signal).toBe('SIGKILL')
    const { cache, m } = manager({ dir: tempDir('unperf-lock-2-'), cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    const started = Date.now()
    let calls = 0
    expect(await cache.wrap(key, () => { calls++; return 'mine' })).toBe('mine')
    expect(calls).toBe(1)
    // a few holder checks (250 ms apart) on a loaded machine; the lock's expiry would be 5 s
    expect(Date.now() - started).toBeLessThan(5000)
    await m.close()
  }, 30_000)

  it('a process that waited for another process\'s lock and got its value counts a hit, not a miss', async () => {
    const key = `waited-${process.pid}-${Date.now()}`
    const cwd = tempDir('unperf-lock-cwd-')
    const c = child('lock-holder.mjs', { dir: tempDir('unperf-lock-'), cwd, url: redisUrl, key, holdMs: 800 })
    await c.ready()
    const { cache, m, hooks } = manager({ dir: tempDir('unperf-lock-2-'), cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    const events: string[] = []
    hooks.hook('cache:hit', e => { events.push(`hit:${e.key}`) })
    hooks.hook('cache:miss', e => { events.push(`miss:${e.key}`) })
    let calls = 0
    // two callers of this process: the first waits for the other process's lock, the second joins it
    const got = await Promise.all([cache.wrap(key, () => { calls++; return 'mine' }), cache.wrap(key, () => { calls++; return 'mine' })])
    expect(got).toEqual(['from-holder', 'from-holder'])
    expect(calls).toBe(0)
    expect((await c.done).code).toBe(0)
    const stats = cache.stats()
    expect({ hits: stats.hits, misses: stats.misses, hitRate: stats.hitRate }).toEqual({ hits: 2, misses: 0, hitRate: 1 })
    // the lookup's miss was said when it happened; the value it then got, as a hit, for each caller
    expect(events).toEqual([`miss:${key}`, `hit:${key}`, `hit:${key}`])
    await m.close()
  }, 30_000)

  /** A holder whose fn takes `ms`, a waiter from another process started 200 ms after: fn runs once, both get its value. */
  async function holderWaitedFor(ms: number): Promise<void> {
    const key = `live-${ms}-${process.pid}-${Date.now()}`
    const { first, second, close } = await twoOnRedis(redisUrl!)
    let calls = 0
    const slow = first.wrap(key, () => new Promise(resolve => setTimeout(() => { calls++; resolve('first') }, ms)))
    await new Promise(resolve => setTimeout(resolve, 200))
    const waiter = second.wrap(key, () => { calls++; return 'second' })
    expect(await Promise.all([slow, waiter])).toEqual(['first', 'first'])
    expect(calls).toBe(1)
    await close()
  }

  it('a live holder is still waited for: its value, not a second call of fn', () => holderWaitedFor(1200), 30_000)

  // past the lock's ttl (LOCK_TTL_MS) and a waiter's 3 s grace for a vanished lock: the holder's renewals keep
  // it (without them a waiter runs fn at ttl + 3 s; waiters gave up after 2 × ttl before, and ran fn). The ttl
  // is 3 s here (5 s in use, 15 s until s32: fn past it took 19.5 s of the serial project's single worker); the renewals
  // (every second) and the grace are as in use
  it('a live holder whose fn runs past the lock\'s ttl (a long build step) is still waited for: one call of fn, not one per waiter', async () => {
    const ttl = setLockTtlForTests(3000)
    try {
      expect(LOCK_TTL_MS).toBe(3000)
      await holderWaitedFor(3000 + 3000 + 1500)
    } finally {
      setLockTtlForTests(ttl)
    }
  }, 45_000)
})
