/**
 * wrap()'s cross-process lock on a Redis shared through ACL users limited to their own keys, as a
 * fleet gives each team or project one (`~<base>:*`). The lock lived outside the tier's `base`
 * (`lock:<base>:unperf:…`): the ACL refused it (NOPERM), and every process ran fn itself, without
 * a word. Now it is `<base>:lock:unperf:…`; and a lock the server refuses all the same (an ACL
 * written for the entries alone, `~unperf:*`) is told once per namespace, as a `cache:error` and a
 * warning, each refusal counted in stats().errors (it was a `cache:error` per wrap() that missed).
 * No fixed waits: the first process's fn is held until the second's wrap() has missed the key (it
 * can then only wait for the lock, or run fn without one), where a 200 ms sleep and a 1 s fn raced.
 * Against a redis-server of this file's own.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const own = ownRedisServer([], { raw: true })

/**
 * Two processes' caches on the one Redis as `user`, both connected: `a` wraps 'k' first, its fn held
 * until `b`'s wrap('k') has missed; fn's calls counted, and the lock keys stored while a's fn ran.
 */
async function twoAs(user: string, base?: string) {
  const url = own.url.replace('//', `//${user}:pw@`)
  const cwd = tempDir('unperf-lock-acl-')
  const driver = [{ driver: 'redis' as const, url, ...(base !== undefined && { base }) }]
  const a = manager({ cwd, driver, timeout: 5000 })
  const b = manager({ cwd, driver, timeout: 5000 })
  const errors: string[] = []
  a.hooks.hook('cache:error', e => { errors.push(`${e.code} ${(e.error as Error).message}`) })
  await Promise.all([a.cache.get('warm-up'), b.cache.get('warm-up')])
  let calls = 0
  let bMissed!: () => void
  const missed = new Promise<void>(resolve => { bMissed = resolve })
  b.hooks.hook('cache:miss', e => { if (e.key === 'k') bMissed() })
  let aRuns!: () => void
  const running = new Promise<void>(resolve => { aRuns = resolve })
  const holder = a.cache.wrap('k', async () => { calls++; aRuns(); await missed; return 'first' })
  await running
  const locks = await own.raw!.keys('*lock*')
  const waiter = b.cache.wrap('k', () => { calls++; return 'second' })
  const values = await Promise.all([holder, waiter])
  const close = async () => { await a.m.close(); await b.m.close() }
  return { a, values, calls, errors, locks, warnings: a.warnings, close }
}

describe.skipIf(!hasRedisServer)('wrap() as an ACL user limited to its keys', () => {
  beforeAll(async () => {
    await own.raw!.call('ACL', 'SETUSER', 'team', 'on', '>pw', '~team:*', '&*', '+@all')
    await own.raw!.call('ACL', 'SETUSER', 'entries', 'on', '>pw', '~unperf:*', '&*', '+@all')
    await own.raw!.call('ACL', 'SETUSER', 'reader', 'on', '>pw', '~*', '&*', '+@read', '+@connection')
    await own.raw!.call('ACL', 'SETUSER', 'noscript', 'on', '>pw', '~*', '&*', '+@all', '-@scripting')
  })
  // the keys each case finds are its own
  beforeEach(async () => { await own.raw!.flushall() })

  it('takes its lock under the base: fn runs once across processes, no error', async () => {
    const { values, calls, errors, locks, warnings, close } = await twoAs('team', 'team')
    await close()
    expect(locks).toEqual([expect.stringMatching(/^team:lock:unperf:/)])
    expect(values).toEqual(['first', 'first'])
    expect(calls).toBe(1)
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    // the entry and its lock are both under the base
    expect((await own.raw!.keys('*')).filter(k => !k.startsWith('team:'))).toEqual([])
  }, 30_000)

  it('a lock the server refuses is told once (cache:error E_LOCK, one warning naming the ACL), each refusal counted; the value is still computed and stored', async () => {
    const { a, values, calls, errors, locks, warnings, close } = await twoAs('entries')
    try {
      // without the lock each process runs fn: what the warning is there to say
      expect(locks).toEqual([])
      expect(values).toEqual(['first', 'second'])
      expect(calls).toBe(2)
      // more keys missed in the namespace: the same refusal, not news (a cache:error per wrap() before)
      const before = a.cache.stats().errors
      for (const key of ['k2', 'k3']) expect(await a.cache.wrap(key, () => key)).toBe(key)
      expect(a.cache.stats().errors).toBe(before + 2)
      expect(errors).toEqual([expect.stringMatching(/^E_LOCK NOPERM/)])
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/wrap\(\)'s cross-process lock .*refused \(NOPERM.*\): fn runs in each process .*~lock:unperf:\*/)
    } finally {
      await close()
    }
  }, 30_000)

  // docs/cache.md: the lock is a 5 s lease its holder pushes back every second; a Redis refusing
  // scripts has no keeps, and its lock is a plain SET NX of 15 s
  it('the lock held while fn runs: a lease of at most 5 s; as a user without EVAL, a SET NX of 15 s', async () => {
    const leaseOf = async (user: string, base?: string) => {
      const cwd = tempDir('unperf-lock-acl-lease-')
      const m = manager({ cwd, driver: [{ driver: 'redis' as const, url: own.url.replace('//', `//${user}:pw@`), ...(base !== undefined && { base }) }], timeout: 5000 })
      let release!: () => void
      let running!: () => void
      const started = new Promise<void>(resolve => { running = resolve })
      const value = m.cache.wrap('k', () => new Promise<string>(resolve => { running(); release = () => resolve('v') }))
      await started
      const locks = await own.raw!.keys('*lock*')
      const pttl = locks.length === 1 ? await own.raw!.pttl(locks[0]!) : -2
      release()
      expect(await value).toBe('v')
      await m.m.close()
      await own.raw!.flushall()
      return pttl
    }
    const kept = await leaseOf('team', 'team')
    expect(kept).toBeGreaterThan(3000)
    expect(kept).toBeLessThanOrEqual(5000)
    const scriptless = await leaseOf('noscript')
    expect(scriptless).toBeGreaterThan(10_000)
    expect(scriptless).toBeLessThanOrEqual(15_000)
  }, 30_000)

  it('a read-only user (a pull request\'s job) gets its refused write told, not a lock to give keys to', async () => {
    const { values, errors, warnings, close } = await twoAs('reader')
    await close()
    expect(values).toEqual(['first', 'second'])
    expect(errors).toEqual([expect.stringMatching(/^E_WRITE NOPERM/)])
    expect(warnings.join('\n')).not.toMatch(/lock/)
  }, 30_000)
})
