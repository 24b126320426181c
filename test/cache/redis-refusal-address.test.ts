/**
 * A Redis that refuses the connection (a wrong password, a user it does not know, no password where
 * it wants one, a certificate of a CA node does not trust) was told as `the redis tier failed
 * (WRONGPASS …)` without saying which Redis: a fleet with the cache on one Redis and
 * `report.historyDriver` (or a namespace) on another could not tell which one refused. The refusal
 * names the server's address now, never the url's credentials (a fleet audit, session 33).
 * Against a redis-server of this file's own with `--requirepass`.
 */
import { expect, it } from 'vitest'
import { describeRedis } from '../helpers/redis.js'
import { ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const PASSWORD = 'fleet-secret-7'
const own = ownRedisServer(['--requirepass', PASSWORD])

describeRedis('a redis that refuses the connection', () => {
  it.each([
    ['a wrong password', (port: number) => `redis://:wrong-pw-1@127.0.0.1:${port}/2`, /WRONGPASS/, 'wrong-pw-1'],
    ['a user it does not know', (port: number) => `redis://nobody:wrong-pw-2@127.0.0.1:${port}`, /WRONGPASS/, 'wrong-pw-2'],
    ['no password', (port: number) => `redis://127.0.0.1:${port}`, /NOAUTH/, PASSWORD],
  ])('%s: the warning and cache:error name the server, not the credentials; the memory tier answers', async (_, urlOf, said, secret) => {
    const { cache, hooks, warnings, m } = manager({ driver: ['memory', { driver: 'redis', url: urlOf(own.port) }], timeout: 1000 })
    const errors: string[] = []
    hooks.hook('cache:error', p => { errors.push(String((p.error as Error).message)) })
    try {
      await cache.set('k', 1)
      expect(await cache.get('k')).toBe(1)
      const told = [...errors, ...warnings].join('\n')
      expect(errors.length, told).toBeGreaterThan(0)
      for (const message of errors) expect(message).toMatch(said)
      expect(warnings.join('\n')).toMatch(new RegExp(`redis tier failed \\(${said.source}[^\\n]* \\(at 127\\.0\\.0\\.1:${own.port}\\)\\)`))
      expect(told).not.toContain(secret)
    } finally {
      await m.close()
    }
  })
})
