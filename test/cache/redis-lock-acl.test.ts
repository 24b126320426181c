/**
 * wrap()'s cross-process lock on a Redis shared through ACL users limited to their own keys, as a
 * fleet gives each team or project one (`~<base>:*`). The lock lived outside the tier's `base`
 * (`lock:<base>:unperf:…`): the ACL refused it (NOPERM), and every process ran fn itself, without
 * a word. Now it is `<base>:lock:unperf:…`; and a lock the server refuses all the same (an ACL
 * written for the entries alone, `~unperf:*`) is told once, as a `cache:error` and a warning.
 * Against a redis-server of this file's own.
 */
import { Redis } from 'ioredis'
import { beforeAll, describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const own = ownRedisServer([], { raw: true })

/** Two processes' caches on the one Redis as `user`, both connected; fn's calls counted. */
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
  const holder = a.cache.wrap('k', () => new Promise(resolve => setTimeout(() => { calls++; resolve('first') }, 1000)))
  await new Promise(r => setTimeout(r, 200))
  const waiter = b.cache.wrap('k', () => { calls++; return 'second' })
  const values = await Promise.all([holder, waiter])
  await a.m.close()
  await b.m.close()
  return { values, calls, errors, warnings: a.warnings }
}

describe.skipIf(!hasRedisServer)('wrap() as an ACL user limited to its keys', () => {
  beforeAll(async () => {
    await own.raw!.call('ACL', 'SETUSER', 'team', 'on', '>pw', '~team:*', '&*', '+@all')
    await own.raw!.call('ACL', 'SETUSER', 'entries', 'on', '>pw', '~unperf:*', '&*', '+@all')
    await own.raw!.call('ACL', 'SETUSER', 'reader', 'on', '>pw', '~*', '&*', '+@read', '+@connection')
  })

  it('takes its lock under the base: fn runs once across processes, no error', async () => {
    const { values, calls, errors, warnings } = await twoAs('team', 'team')
    expect(values).toEqual(['first', 'first'])
    expect(calls).toBe(1)
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    // the entry and its lock are both under the base
    expect((await own.raw!.keys('*')).filter(k => !k.startsWith('team:'))).toEqual([])
  }, 30_000)

  it('a lock the server refuses is told (cache:error E_LOCK, one warning naming the ACL); the value is still computed and stored', async () => {
    const { values, calls, errors, warnings } = await twoAs('entries')
    // without the lock each process runs fn: what the warning is there to say
    expect(values).toEqual(['first', 'second'])
    expect(calls).toBe(2)
    expect(errors).toEqual([expect.stringMatching(/^E_LOCK NOPERM/)])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/wrap\(\)'s cross-process lock .*refused \(NOPERM.*\): fn runs in each process .*~lock:unperf:\*/)
  }, 30_000)

  it('a read-only user (a pull request\'s job) gets its refused write told, not a lock to give keys to', async () => {
    const { values, errors, warnings } = await twoAs('reader')
    expect(values).toEqual(['first', 'second'])
    expect(errors).toEqual([expect.stringMatching(/^E_WRITE NOPERM/)])
    expect(warnings.join('\n')).not.toMatch(/lock/)
  }, 30_000)
})
