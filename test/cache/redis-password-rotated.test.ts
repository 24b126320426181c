/**
 * A password rotated on the server while a long run uses it (CONFIG SET requirepass, the old
 * connections closed): ioredis reconnects and its AUTH is refused. The run is told why (WRONGPASS),
 * not only the closed connection it saw first nor a timeout of a call that waited in ioredis' queue
 * while it reconnected; the other processes of the machine are not told Redis hangs (no marker: a
 * refused AUTH costs nothing to find); and the tier comes back once the old password works again.
 * Against a redis-server of this file's own started with --requirepass.
 */
import { readdirSync } from 'node:fs'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const redis = ownRedisServer(['--requirepass', 'old-secret'])

/** Sets a key until it reaches Redis (the tier back after its backoff's probe), 15 s at most: how many keys `*after` there are then. */
async function writesAgain(cache: { set(key: string, value: unknown): Promise<unknown> }, raw: Redis): Promise<number> {
  let back = 0
  for (let i = 0; i < 150 && back === 0; i++) {
    await cache.set('after', 'again')
    back = (await raw.keys('*after')).length
    if (back === 0) await new Promise(r => setTimeout(r, 100))
  }
  return back
}

describe.skipIf(!hasRedisServer)('a password rotated during a run', () => {
  it('says WRONGPASS, marks nothing for other processes, and is used again once the password works', async () => {
    const raw = new Redis(redis.url, { password: 'old-secret' })
    try {
      const url = redis.url.replace('//', '//:old-secret@')
      const { cache, m, warnings, hooks, dir } = manager({ driver: ['memory', { driver: 'redis', url }], timeout: 500 })
      const errors: string[] = []
      hooks.hook('cache:error', e => { errors.push(`${e.code} ${(e.error as Error).message}`) })
      await cache.set('before', 1)
      await raw.config('SET', 'requirepass', 'new-secret')
      await raw.call('CLIENT', 'KILL', 'TYPE', 'normal')
      let longest = 0
      // ~6 s: the backoffs of 1 s and 2 s end inside it, and ioredis' reconnect delay grows past the timeout
      const end = Date.now() + 6000
      for (let i = 0; Date.now() < end; i++) {
        const start = performance.now()
        await cache.set(`k${i}`, i)
        await cache.get(`k${i}`)
        longest = Math.max(longest, performance.now() - start)
        await new Promise(r => setTimeout(r, 50))
      }
      const all = [...errors, ...warnings].join('\n')
      expect(all).toMatch(/WRONGPASS/)
      expect(all).not.toMatch(/old-secret/)
      // never a hang: at most the one call in flight when the connection closed
      expect(longest).toBeLessThan(1000)
      // a refused AUTH is not a frozen Redis: nothing tells the machine's other processes to skip it
      expect(readdirSync(dir).filter(n => n.startsWith('.redis-down-'))).toEqual([])
      // the password works again: a probe is answered, writes reach Redis
      await raw.config('SET', 'requirepass', 'old-secret')
      expect(await writesAgain(cache, raw)).toBe(1)
      await m.close()
    } finally {
      raw.disconnect()
    }
  }, 60_000)

  it('with a database in the url: says WRONGPASS, not the NOAUTH of the SELECT behind it, and comes back once the password works', async () => {
    // (before: the SELECT refused with NOAUTH closed the connection for good, taken for a database the
    // server does not have, and its NOAUTH was the reason every later call gave)
    const raw = new Redis(redis.url, { password: 'old-secret', db: 3 })
    try {
      const url = `${redis.url.replace('//', '//:next-secret@')}/3`
      const { cache, m, warnings, hooks } = manager({ driver: ['memory', { driver: 'redis', url }], timeout: 500 })
      const errors: string[] = []
      hooks.hook('cache:error', e => { errors.push(`${e.code} ${(e.error as Error).message}`) })
      await cache.set('refused', 1)
      await new Promise(r => setTimeout(r, 300))
      await cache.get('refused-too')
      const all = [...errors, ...warnings].join('\n')
      expect(all).toMatch(/WRONGPASS/)
      expect(all).not.toMatch(/NOAUTH|next-secret/)
      // the password the url has is set on the server: the tier is used again, on database 3
      await raw.config('SET', 'requirepass', 'next-secret')
      expect(await writesAgain(cache, raw)).toBe(1)
      await m.close()
    } finally {
      await raw.config('SET', 'requirepass', 'old-secret').catch(() => {})
      raw.disconnect()
    }
  }, 60_000)
})
