/**
 * A redis tier that cannot connect is reported with the connection's own error (connect
 * ECONNREFUSED 127.0.0.1:<port>, or the connection to it closed), in the warning and in the cache:error payload, not ioredis'
 * "Reached the max retries per request limit (which is 0). Refer to maxRetriesPerRequest...", which
 * points at an option unperf sets and the user cannot. Against a real redis-server killed mid-run.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { hasRedisServer, startRedisServer, type PrivateRedis } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

let redis: PrivateRedis | undefined
afterAll(() => { redis?.process.kill('SIGKILL') })

describe.skipIf(!hasRedisServer)('a redis tier that cannot connect', () => {
  it('a redis that exits mid-run: the warning and cache:error say why (refused, or the connection closed), not ioredis max retries', async () => {
    redis = await startRedisServer()
    const { cache, hooks, warnings, m } = manager({ driver: ['memory', { driver: 'redis', url: redis.url }], timeout: 1000 })
    const errors: string[] = []
    hooks.hook('cache:error', p => { errors.push(String((p.error as Error).message)) })
    try {
      await cache.set('before', 1)
      expect(errors).toEqual([])
      redis.process.kill('SIGKILL')
      await new Promise(resolve => redis!.process.once('exit', resolve))
      // calls go on with the memory tier; the first ones after the exit find the tier down
      for (let i = 0; i < 5; i++) await cache.set(`after-${i}`, i)
      expect(await cache.get('after-4')).toBe(4)
      expect(errors.length).toBeGreaterThan(0)
      const why = `(connect ECONNREFUSED 127.0.0.1:${redis.port}|the connection to 127.0.0.1:${redis.port} (closed|failed \\((read ECONNRESET|write EPIPE)\\)))`
      for (const message of errors) expect(message).toMatch(new RegExp(`^${why}$`))
      expect(warnings.join('\n')).toMatch(new RegExp(`redis tier failed \\(${why}\\)`))
      expect(warnings.join('\n')).not.toMatch(/max retries/i)
    } finally {
      await m.close()
    }
  })

  it('a redis killed with commands it had not read (reset): the connection\'s address and the reset, not a bare "read ECONNRESET"', async () => {
    const own = await startRedisServer()
    const { cache, hooks, warnings, m } = manager({ driver: ['memory', { driver: 'redis', url: own.url }], timeout: 3000 })
    const errors: string[] = []
    hooks.hook('cache:error', p => { errors.push(String((p.error as Error).message)) })
    try {
      await cache.set('before', 1)
      // frozen, the server leaves the get unread in its socket; killed so, its kernel resets the connection
      own.process.kill('SIGSTOP')
      const pending = cache.get('pending')
      await new Promise(r => setTimeout(r, 200))
      own.process.kill('SIGKILL')
      expect(await pending).toBeNull()
      const why = `the connection to 127.0.0.1:${own.port} failed \\(read ECONNRESET\\)`
      expect(errors.length).toBeGreaterThan(0)
      for (const message of errors) expect(message).toMatch(new RegExp(`^${why}$`))
      expect(warnings.join('\n')).toMatch(new RegExp(`redis tier failed \\(${why}\\)`))
    } finally {
      own.process.kill('SIGKILL')
      await m.close()
    }
  })

  it('a rediss:// url on a port that does not speak TLS: the timeout says the TLS handshake did not finish', async () => {
    const own = await startRedisServer()
    const { cache, hooks, warnings, m } = manager({ driver: ['memory', { driver: 'redis', url: own.url.replace('redis://', 'rediss://') }], timeout: 300 })
    const errors: string[] = []
    hooks.hook('cache:error', p => { errors.push(String((p.error as Error).message)) })
    try {
      await cache.set('k', 1)
      expect(await cache.get('k')).toBe(1)
      const why = `redis cache tier timed out after 1000ms: the TLS handshake with 127.0.0.1:${own.port} did not finish (does that port speak TLS?)`
      expect(errors.length).toBeGreaterThan(0)
      expect(errors).toContain(`[unperf] ${why}`)
      expect(warnings.join('\n')).toContain(`redis tier failed (${why})`)
    } finally {
      own.process.kill('SIGKILL')
      await m.close()
    }
  })

  it('a redis that is not there from the start: connect ECONNREFUSED with its address', async () => {
    const { cache, hooks, warnings, m } = manager({ driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:1' }], timeout: 1000 })
    const errors: string[] = []
    hooks.hook('cache:error', p => { errors.push(String((p.error as Error).message)) })
    try {
      await cache.set('k', 1)
      expect(await cache.get('k')).toBe(1)
      expect(errors.length).toBeGreaterThan(0)
      for (const message of errors) expect(message).toBe('connect ECONNREFUSED 127.0.0.1:1')
      expect(warnings.join('\n')).toContain('redis tier failed (connect ECONNREFUSED 127.0.0.1:1)')
    } finally {
      await m.close()
    }
  })
})
