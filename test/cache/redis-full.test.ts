/**
 * A full Redis (`maxmemory` reached, `noeviction`) refuses writes with OOM and still serves reads:
 * a refused write is that call's failure, not the tier's. Before, it marked the tier down and the
 * process's next reads skipped it (misses for entries Redis had). Against a redis-server of this
 * file's own, filled by setting its maxmemory below what it holds.
 */
import type { ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasRedisServer, startRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

let server: ChildProcess | undefined
let url = ''
let raw: Redis | undefined
beforeAll(async () => {
  if (!hasRedisServer) return
  const r = await startRedisServer(['--maxmemory-policy', 'noeviction'])
  server = r.process
  url = r.url
  raw = new Redis(url)
})
afterAll(async () => {
  await raw?.quit()
  server?.kill('SIGKILL')
})

describe.skipIf(!hasRedisServer)('a full redis (noeviction)', () => {
  it('a write refused with OOM is reported as refused; the tier stays up and serves its entries', async () => {
    const cwd = tempDir('unperf-full-cwd-')
    const first = manager({ cwd, driver: [{ driver: 'redis', url }] })
    await first.cache.set('stored', 'from-redis')
    await first.m.close()
    await raw!.config('SET', 'maxmemory', '1')
    try {
      // a fresh process: its memory tier is empty, Redis has the entry
      const { cache, m, warnings, hooks } = manager({ cwd, driver: ['memory', { driver: 'redis', url }] })
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
      await raw!.config('SET', 'maxmemory', '0')
    }
  }, 30_000)
})
