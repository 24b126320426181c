/**
 * Scopes on Redis are pruned as on fs: a scope no run used for `cache.scopeMaxAge` (an old version)
 * loses its entries, `ttl: false` ones included (they have no PX: before, they stayed for ever).
 * Every process marks its scope used (one ZADD); one process a day walks the keys. Against a
 * redis-server of this file's own, so the daily marker and the keyspace are this test's.
 */
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const own = ownRedisServer([], { raw: true })

async function keysOf(pattern: string): Promise<string[]> {
  const out: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await own.raw!.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    out.push(...batch)
  } while (cursor !== '0')
  return out.sort()
}

describe.skipIf(!hasRedisServer)('scopes on a redis tier', () => {
  it('a scope unused for scopeMaxAge loses its entries (ttl: false ones included); the current scope, the history and unregistered scopes stay', async () => {
    const cwd = tempDir('unperf-scopes-cwd-')
    const scopeMaxAge = 1000
    const common = { cwd, driver: [{ driver: 'redis' as const, url: own.url }], ttl: false as const, scopeMaxAge, timeout: 2000 }
    // version 1 writes entries that never expire, in two namespaces
    const v1 = manager({ ...common, dir: tempDir('unperf-scopes-'), version: '1.0.0' })
    await v1.cache.set('a', 1)
    await v1.m.namespace('other').set('b', 2)
    await v1.m.close()
    const old = await keysOf('unperf:test-cli:s_1.0.0_*')
    expect(old).toHaveLength(2)
    expect(await own.raw!.pttl(old[0]!)).toBe(-1)
    const oldScope = old[0]!.split(':')[2]!
    // its use is recorded: one sorted set of scope → last use
    expect(Number(await own.raw!.zscore('unperf:test-cli:scopes', oldScope))).toBeGreaterThan(Date.now() - 60_000)
    // what is not a scope's entry: another app's keys, the shared run history, and a scope written
    // before scopes were recorded (no ZADD for it)
    await own.raw!.set('unperf:other-app:s_1.0.0_x:default:k', 'v')
    await own.raw!.set('unperf:test-cli:history:p:run:1', 'v')
    await own.raw!.set('unperf:test-cli:s_0.9.0_legacy:default:k', 'v')

    // version 1 is unused for longer than scopeMaxAge; a day later (the daily marker gone), version 2 runs
    await new Promise(r => setTimeout(r, scopeMaxAge + 200))
    expect(await own.raw!.del('unperf:test-cli:scopes:pruned')).toBe(1)
    const v2 = manager({ ...common, dir: tempDir('unperf-scopes-'), version: '2.0.0' })
    expect(await v2.cache.get('a')).toBeNull()
    await v2.cache.set('c', 3)
    await v2.m.close()

    expect(await keysOf('unperf:test-cli:s_1.0.0_*')).toEqual([])
    expect(await own.raw!.zscore('unperf:test-cli:scopes', oldScope)).toBeNull()
    expect(await keysOf('unperf:test-cli:s_2.0.0_*')).toHaveLength(1)
    expect(await own.raw!.get('unperf:other-app:s_1.0.0_x:default:k')).toBe('v')
    expect(await own.raw!.get('unperf:test-cli:history:p:run:1')).toBe('v')
    // the unrecorded scope is kept, recorded as used now: it goes scopeMaxAge after this walk
    expect(await own.raw!.get('unperf:test-cli:s_0.9.0_legacy:default:k')).toBe('v')
    expect(await own.raw!.zscore('unperf:test-cli:scopes', 's_0.9.0_legacy')).not.toBeNull()

    // the walk is daily: the next process only marks its scope used (the legacy scope, now stale, stays until tomorrow)
    await new Promise(r => setTimeout(r, scopeMaxAge + 200))
    const v3 = manager({ ...common, dir: tempDir('unperf-scopes-'), version: '2.0.0' })
    expect(await v3.cache.get('c')).toBe(3)
    await v3.m.close()
    expect(await own.raw!.get('unperf:test-cli:s_0.9.0_legacy:default:k')).toBe('v')
    expect(await own.raw!.pttl('unperf:test-cli:scopes:pruned')).toBeGreaterThan(0)
  }, 30_000)

  it('a user Redis refuses the scope commands (an ACL without ZADD): the cache works, the tier is never marked down for it', async () => {
    await own.raw!.call('ACL', 'SETUSER', 'noscopes', 'on', '>pw', '~*', '+@all', '-zadd', '-scan')
    const user = own.url.replace('redis://', 'redis://noscopes:pw@')
    const { cache, m, warnings, hooks } = manager({ cwd: tempDir('unperf-scopes-cwd-'), dir: tempDir('unperf-scopes-'), driver: ['memory', { driver: 'redis', url: user }], timeout: 2000 })
    let errors = 0
    hooks.hook('cache:error', () => { errors++ })
    await cache.set('k', 'v')
    // right after: a tier marked down would skip this write
    await cache.set('k2', 'v2')
    await m.close()
    expect(errors).toBe(0)
    expect(warnings).toEqual([])
    expect((await keysOf('unperf:test-cli:s_*')).filter(k => k.endsWith(':k2'))).toHaveLength(1)
  }, 30_000)
})
