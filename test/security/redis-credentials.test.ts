/**
 * A redis password never reaches a `cache:error` payload or a warning: ioredis attaches the failed
 * AUTH command (its args: the password) to the errors of the commands queued behind it.
 * Against a redis-server of this file's own, started with --requirepass.
 */
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manager } from '../cache/_manager.js'
import { hasRedisServer as hasRedis, startRedisServer } from '../helpers/redis-server.js'

let server: ChildProcess | undefined
let port = 0

beforeAll(async () => {
  if (!hasRedis) return
  const redis = await startRedisServer(['--requirepass', 'the-right-one'])
  server = redis.process
  port = redis.port
})
afterAll(() => { server?.kill('SIGKILL') })

/** Everything a logger would write of a payload: errors with their own enumerable properties. */
const serialize = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v))

describe.skipIf(!hasRedis)('a wrong redis password', () => {
  it('appears in no cache:error payload and no warning', async () => {
    const secret = 'WRONG-SECRET-pw-42'
    for (const tier of [{ driver: 'redis' as const, host: '127.0.0.1', port, password: secret }, { driver: 'redis' as const, url: `redis://default:${secret}@127.0.0.1:${port}/0` }]) {
      const { cache, m, hooks, warnings } = manager({ driver: ['memory', tier], timeout: 2000 })
      const payloads: string[] = []
      hooks.hook('cache:error', (e: unknown) => { payloads.push(serialize(e)) })
      await cache.set('k', 1)
      expect(await cache.get('k')).toBe(1) // the memory tier answers
      await m.close()
      expect(payloads.length).toBeGreaterThan(0)
      expect(payloads.join('\n')).toContain('WRONGPASS')
      expect(payloads.join('\n')).not.toContain(secret)
      expect(serialize(warnings)).not.toContain(secret)
    }
  })
})
