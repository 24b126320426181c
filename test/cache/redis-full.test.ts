/**
 * A full Redis (`maxmemory` reached, `noeviction`) refuses writes with OOM and still serves reads:
 * a refused write is that call's failure, not the tier's. Before, it marked the tier down and the
 * process's next reads skipped it (misses for entries Redis had). Against a redis-server of this
 * file's own, filled by setting its maxmemory below what it holds.
 */
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const own = ownRedisServer(['--maxmemory-policy', 'noeviction'], { raw: true })

describe.skipIf(!hasRedisServer)('a full redis (noeviction)', () => {
  it('a write refused with OOM is reported as refused; the tier stays up and serves its entries', async () => {
    const cwd = tempDir('unperf-full-cwd-')
    const first = manager({ cwd, driver: [{ driver: 'redis', url: own.url }] })
    await first.cache.set('stored', 'from-redis')
    await first.m.close()
    await own.raw!.config('SET', 'maxmemory', '1')
    try {
      // a fresh process: its memory tier is empty, Redis has the entry
      const { cache, m, warnings, hooks } = manager({ cwd, driver: ['memory', { driver: 'redis', url: own.url }] })
      const codes: string[] = []
      hooks.hook('cache:error', e => { codes.push(e.code) })
      await cache.set('new', 'local only')
      expect(await cache.get('new')).toBe('local only')
      expect(await cache.get('stored')).toBe('from-redis')
      await m.close()
      expect(codes).toEqual(['E_WRITE'])
      expect(warnings.join('\n')).toMatch(/the redis tier refused a call \(OOM command not allowed when used memory > 'maxmemory'\.\); it stays in use/)
      expect(warnings.join('\n')).not.toMatch(/skipped for now/)
    } finally {
      await own.raw!.config('SET', 'maxmemory', '0')
    }
  }, 30_000)
})
