/**
 * wrap()'s lock on a Redis whose ACL refuses EVAL (NOPERM): plain `SET NX PX` instead, so callers of
 * one key in two processes still share one fn call (the lock then expires instead of being released:
 * a waiter gets the holder's value from the cache meanwhile). Against a redis-server of this file's own
 * with an ACL user without scripting.
 */
import { Redis } from 'ioredis'
import { beforeAll, describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const own = ownRedisServer()

describe.skipIf(!hasRedisServer)('wrap() on a Redis that refuses scripts', () => {
  beforeAll(async () => {
    const admin = new Redis(own.url)
    await admin.call('ACL', 'SETUSER', 'noscripts', 'on', '>pw', '~*', '&*', '+@all', '-@scripting')
    admin.disconnect()
  })

  it('takes the lock with SET NX: the waiter gets the holder\'s value, fn runs once, no error', async () => {
    const url = own.url.replace('//', '//noscripts:pw@')
    const cwd = tempDir('unperf-noscripts-')
    const driver = [{ driver: 'redis' as const, url }]
    const { cache: first, m: m1, hooks } = manager({ cwd, driver, timeout: 5000 })
    const { cache: second, m: m2 } = manager({ cwd, driver, timeout: 5000 })
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code} ${(e.error as Error).message}`) })
    await Promise.all([first.get('warm-up'), second.get('warm-up')])
    // a plain key, and one with a lone surrogate (its lock named by bytes: SET NX and GET of a Buffer)
    for (const key of ['k', '\ud800']) {
      let calls = 0
      const holder = first.wrap(key, () => new Promise(resolve => setTimeout(() => { calls++; resolve('first') }, 1000)))
      await new Promise(r => setTimeout(r, 200))
      const waiter = second.wrap(key, () => { calls++; return 'second' })
      expect(await Promise.all([holder, waiter]), JSON.stringify(key)).toEqual(['first', 'first'])
      expect(calls).toBe(1)
    }
    expect(errors).toEqual([])
    await m1.close()
    await m2.close()
  }, 30_000)
})
