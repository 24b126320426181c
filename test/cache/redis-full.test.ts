/**
 * A full Redis (`maxmemory` reached, `noeviction`) refuses writes with OOM and still serves reads:
 * a refused write is that call's failure, not the tier's. Before, it marked the tier down and the
 * process's next reads skipped it (misses for entries Redis had). Against a redis-server of this
 * file's own, filled by setting its maxmemory below what it holds.
 */
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const own = ownRedisServer(['--maxmemory-policy', 'noeviction'], { raw: true })

describe.skipIf(!hasRedisServer)('a full redis (noeviction)', () => {
  it('a write refused with OOM is reported as refused; the tier stays up and serves its entries', async () => {
    const cwd = tempDir('unperf-full-cwd-')
    const first = manager({ cwd, driver: [{ driver: 'redis', url: own.url }] })
    await first.cache.set('stored', 'from-redis')
    await first.m.close()
    await own.raw!.config('SET', 'maxmemory', '1')
    try {
      // a fresh process: its memory tier is empty, Redis has the entry
      const { cache, m, warnings, hooks } = manager({ cwd, driver: ['memory', { driver: 'redis', url: own.url }] })
      const codes: string[] = []
      hooks.hook('cache:error', e => { codes.push(e.code) })
      await cache.set('new', 'local only')
      expect(await cache.get('new')).toBe('local only')
      expect(await cache.get('stored')).toBe('from-redis')
      await m.close()
      expect(codes).toEqual(['E_WRITE'])
      expect(warnings.join('\n')).toMatch(/the redis tier refused a call \(OOM command not allowed when used memory > 'maxmemory'\.\); it stays in use/)
      expect(warnings.join('\n')).not.toMatch(/skipped for now/)
    } finally {
      await own.raw!.config('SET', 'maxmemory', '0')
    }
  }, 30_000)

  it('a wrap() while it refuses writes computes without the lock; once it has room, the lock is kept as before', async () => {
    const cwd = tempDir('unperf-full-wrap-')
    const driver = [{ driver: 'redis' as const, url: own.url }]
    const { cache: first, m: m1, hooks } = manager({ cwd, driver, timeout: 5000 })
    const { cache: second, m: m2 } = manager({ cwd, driver, timeout: 5000 })
    await Promise.all([first.get('warm-up'), second.get('warm-up')])
    const codes: string[] = []
    hooks.hook('cache:error', e => { codes.push(e.code) })
    await own.raw!.config('SET', 'maxmemory', '1')
    try {
      // the lock's script refused with OOM: fn runs, unlocked; told as the write refused, not as a lock
      // an ACL refuses (E_LOCK is NOPERM's)
      expect(await first.wrap('while-full', () => 'computed')).toBe('computed')
      expect(codes).toEqual(['E_WRITE'])
    } finally {
      await own.raw!.config('SET', 'maxmemory', '0')
    }
    // room again: a lock gone while its holder runs fn (evicted) is written back, its waiter waits
    // (before, that OOM left this process on plain SET NX: the waiter took the vanished lock and ran fn)
    let calls = 0
    const holder = first.wrap('after-full', () => new Promise(resolve => setTimeout(() => { calls++; resolve('first') }, 2500)))
    await new Promise(r => setTimeout(r, 200))
    const waiter = second.wrap('after-full', () => { calls++; return 'second' })
    await new Promise(r => setTimeout(r, 200))
    const [lock] = await own.raw!.keys('lock:*:after-full')
    expect(await own.raw!.del(lock!)).toBe(1)
    expect(await Promise.all([holder, waiter])).toEqual(['first', 'first'])
    expect(calls).toBe(1)
    await m1.close()
    await m2.close()
  }, 30_000)
})
