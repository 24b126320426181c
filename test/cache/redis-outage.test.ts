/**
 * Issue 4, tiers: a remote tier that errors or exceeds `timeout` is skipped, marked down and
 * retried with backoff; the command goes on with the local tiers and never hangs. Against a real
 * redis-server of this file's own, frozen with SIGSTOP and killed with SIGKILL.
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer as hasRedis, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const redis = ownRedisServer()

const within = async <T>(ms: number, p: Promise<T>): Promise<T> => {
  let t: NodeJS.Timeout | undefined
  const timer = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`did not settle within ${ms} ms: the CLI would hang`)), ms) })
  try { return await Promise.race([p, timer]) } finally { clearTimeout(t) }
}

describe.skipIf(!hasRedis)('a frozen or dead redis tier', () => {
  it('SIGSTOP: reads and writes go on with the local tier, the tier is retried after the backoff', async () => {
    // timeout 1000: generous enough that a loaded CI machine does not time out the healthy calls
    const remoteOnly = manager({ driver: [{ driver: 'redis', url: redis.url }], timeout: 1000 })
    await remoteOnly.cache.set('remote-key', 'from-redis')
    const { cache, m, warnings, hooks } = manager({ driver: ['memory', { driver: 'redis', url: redis.url }], dir: remoteOnly.dir, cwd: remoteOnly.cwd, timeout: 1000 })
    expect(await cache.get('remote-key')).toBe('from-redis')
    let errors = 0
    hooks.hook('cache:error', () => { errors++ })

    redis.process!.kill('SIGSTOP')
    try {
      // a frozen server accepts the command and never answers: bounded by `timeout`, then skipped
      await within(5000, cache.set('local', 1))
      expect(await within(5000, cache.get('local'))).toBe(1)
      expect(await within(5000, cache.get('only-remote-missing'))).toBeNull()
      // marked down: the next calls skip it (a hang would trip `within`)
      for (let i = 0; i < 20; i++) await within(1500, cache.get(`k${i}`))
      expect(await within(5000, cache.wrap('w', () => 'computed'))).toBe('computed')
      expect(warnings.some(w => /redis/i.test(w))).toBe(true)
      // the tier's TimeoutError is named without its own '[unperf] ' (the warning line has one)
      expect(warnings.find(w => w.includes('timed out')), warnings.join('\n')).toMatch(/the redis tier failed \(redis cache tier timed out after 1000ms\): it is skipped for now and retried with backoff; commands go on without it \(with a namespace's other tiers, where it has any\)$/)
      expect(warnings.filter(w => w.includes('[unperf]')), warnings.join('\n')).toEqual([])
      expect(errors).toBeGreaterThan(0)
      expect(m.stats().errors).toBeGreaterThan(0)
    } finally {
      redis.process!.kill('SIGCONT')
    }
    // back up: after the backoff (1 s doubling per failure) the tier is used again. The other
    // manager's tier is on the same connection: it knows it down too (one timeout per process, not
    // one per user), so its write is skipped until then as well
    let got: unknown = null
    for (let i = 0; i < 120 && got === null; i++) {
      await within(5000, remoteOnly.cache.set('after', 'again'))
      got = await within(5000, cache.get('after'))
      if (got === null) await new Promise(r => setTimeout(r, 250))
    }
    expect(got).toBe('again')
    await within(5000, m.close())
    await within(5000, remoteOnly.m.close())
  }, 60_000)

  it('SIGSTOP with 100 calls in flight: every one settles as a miss within the timeout (one shared deadline timer)', async () => {
    const { cache, m, hooks } = manager({ driver: ['memory', { driver: 'redis', url: redis.url }], timeout: 300 })
    await cache.set('warm', 1) // connected
    const events: string[] = []
    // one incident: told once (E_TIER_DOWN), however many calls fail in it; each failed call is counted
    hooks.hook('cache:error', e => { events.push(`${e.code} ${(e.error as { code?: string }).code}`) })
    const before = m.stats().errors
    redis.process!.kill('SIGSTOP')
    try {
      const got = await within(3000, Promise.all(Array.from({ length: 100 }, (_, i) => cache.get(`frozen-${i}`))))
      expect(got.every(v => v === null)).toBe(true)
      // every call was bounded, not only the first: each one was rejected by the sweep
      expect(m.stats().errors - before).toBe(100)
      expect(events).toEqual(['E_TIER_DOWN E_TIMEOUT'])
    } finally {
      redis.process!.kill('SIGCONT')
    }
    await within(5000, m.close())
  }, 30_000)

  it('SIGKILL: the cache degrades to the local tiers and close() returns', async () => {
    const { cache, m, warnings } = manager({ driver: ['memory', 'fs', { driver: 'redis', url: redis.url }], timeout: 300 })
    await cache.set('a', { x: 1 })
    redis.process!.kill('SIGKILL')
    await new Promise(r => redis.process!.once('exit', r))
    redis.process = undefined
    expect(await within(5000, cache.get('a'))).toEqual({ x: 1 })
    await within(5000, cache.set('b', 'local'))
    expect(await within(5000, cache.get('b'))).toBe('local')
    expect(await within(5000, cache.getMany(['a', 'b', 'c']))).toEqual([{ x: 1 }, 'local', null])
    expect(warnings.some(w => /redis/i.test(w))).toBe(true)
    await within(5000, m.close())
  }, 30_000)
})
