/**
 * A value over the server's limit for one value (`proto-max-bulk-len`, 512 MB by default, 1 MB at
 * least) is not sent: Redis would answer `invalid bulk length` and close the connection, failing every
 * call in flight and taking the tier down for the process. Against a redis-server of this file's own
 * with the smallest limit Redis allows (1 MB), so the test needs no 512 MB value.
 */
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

const own = ownRedisServer(['--proto-max-bulk-len', '1mb'], { raw: true })

describe.skipIf(!hasRedisServer)('a value larger than Redis takes', () => {
  it('is kept in the local tier and reported by its key; the connection and the other calls in flight are not hurt', async () => {
    const { cache, m, warnings, hooks } = manager({ driver: ['memory', { driver: 'redis', url: own.url }], compress: false, timeout: 2000 })
    const codes: string[] = []
    hooks.hook('cache:error', e => { codes.push(`${e.code}:${(e.error as { code?: string }).code ?? (e.error as Error).message}`) })
    await cache.set('before', 'small') // connected
    const big = 'x'.repeat(2 * 1024 * 1024)
    // in flight together: the big write and small ones
    await Promise.all([cache.set('big', big), cache.set('beside', 'small'), cache.setMany([['many-big', big], ['many-small', 'small']])])
    expect(await cache.get('big')).toBe(big) // the memory tier
    expect(codes).toEqual(['E_WRITE:E_TOO_LARGE', 'E_WRITE:E_TOO_LARGE'])
    expect(warnings.join('\n')).toMatch(/the redis tier refused a call \(cache entry 'big' \(2\.\d+ MB\) over this Redis' limit for one value \(proto-max-bulk-len 1\.\d+ MB\): not written to the redis tier/)
    expect(warnings.join('\n')).not.toMatch(/skipped for now/)
    // the small ones reached redis, and the tier is still up: a write after them too
    await cache.set('after', 'small')
    const keys = (await own.raw!.keys('unperf:test-cli:s_*')).map(k => k.split(':').at(-1)).sort()
    expect(keys).toEqual(['after', 'before', 'beside', 'many-small'])
    await m.close()
  }, 30_000)
})
