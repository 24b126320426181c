/**
 * One incident, one warning, per Redis: the warning's once-key held the failure's errno and no
 * connection, so two Redis servers down (one namespace on each) printed one warning: the second
 * outage was never told. (And one Redis killed under two namespaces could print two, one namespace
 * having met `the connection ... closed`, the other `connect ECONNREFUSED`: seen once from the packed
 * package, not reproduced on demand.) Real redis-servers of this file's own.
 */
import { describe, expect, it } from 'vitest'
import { resolveTiers } from '../../src/config/resolve-cache.js'
import type { ResolvedNamespaceConfig } from '../../src/config/types.js'
import { hasRedisServer as hasRedis, startRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const redisWarnings = (warnings: string[]) => warnings.filter(w => /redis tier failed/.test(w))

describe.skipIf(!hasRedis)('a Redis tier down: one warning per connection and incident', () => {
  it('two Redis servers down: one warning each', async () => {
    const one = await startRedisServer()
    const two = await startRedisServer()
    one.process.kill('SIGKILL')
    two.process.kill('SIGKILL')
    await Promise.all([one, two].map(s => new Promise(r => s.process.once('exit', r))))
    const own = (url: string): Partial<ResolvedNamespaceConfig> => {
      const tiers = resolveTiers({ issue: () => {}, path: p => p }, ['memory', { driver: 'redis', url }], 'cache.driver', '/unused')
      return { tiers, driver: tiers.map(t => t.driver) }
    }
    const { cache, m, warnings } = manager({ driver: ['memory'], namespaces: { a: own(one.url), b: own(two.url) }, timeout: 1000 })
    await cache.namespace('a').get('k')
    await cache.namespace('b').get('k')
    const told = redisWarnings(warnings)
    expect(told, warnings.join('\n')).toHaveLength(2)
    expect(told.join('\n')).toContain(`:${one.port}`)
    expect(told.join('\n')).toContain(`:${two.port}`)
    await m.close()
  }, 30_000)
})
