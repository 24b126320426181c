/**
 * delete(), invalidate() and clear() while the Redis tier is unreachable (frozen: SIGSTOP) removed
 * the entries from the local tiers only: once Redis answered again, the next process's get() fell
 * through the emptied memory and fs tiers to Redis and served the removed value again (and promoted
 * it back into fs), though delete() had returned true. Now a removal the tier missed is noted in the
 * cache dir: an entry Redis gives back that was written before it is a miss, and the removal is
 * applied to Redis once it answers. Against a real redis-server of this file's own, two caches on one
 * cache dir (two processes of one machine).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DriverConfig } from '../../src/config/types.js'
import { hasRedisServer as hasRedis, ownRedisServer } from '../helpers/redis-server.js'
import { child, childLib } from './_children.js'
import { manager } from './_manager.js'

const redis = ownRedisServer([], { raw: true })
const lib = childLib()
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

type Cache = ReturnType<typeof manager>
/**
 * `reader`'s value of 'probe', set through the Redis-only `writer` until `reader` gets it: its Redis
 * tier is used again (past the backoff the first process noted); null after 20 s.
 */
async function untilRedisUsed(writer: Cache, reader: Cache): Promise<unknown> {
  let back: unknown = null
  for (let i = 0; i < 80 && back === null; i++) {
    await writer.cache.set('probe', i)
    back = await reader.cache.get('probe')
    if (back === null) await sleep(250)
  }
  return back
}

describe.skipIf(!hasRedis)('removals while the redis tier is down', () => {
  it('are not undone by Redis coming back: a later get() misses, and Redis loses the entries too', async () => {
    const driver: DriverConfig = ['memory', 'fs', { driver: 'redis', url: redis.url }]
    const a = manager({ driver, timeout: 300 })
    await a.cache.set('gone', 'OLD')
    await a.cache.set('page:1', 'P1')
    await a.cache.set('page:2', 'P2')
    await a.cache.namespace('other').set('x', 'X')
    await a.cache.set('kept', 'K')
    // an entry in Redis alone (another machine's): invalidate() cannot list it while Redis is down
    const remote = manager({ driver: [{ driver: 'redis', url: redis.url }], dir: a.dir, cwd: a.cwd, timeout: 2000 })
    await remote.cache.set('page:3', 'P3')

    redis.process!.kill('SIGSTOP')
    try {
      expect(await a.cache.delete('gone')).toBe(true)
      expect(await a.cache.invalidate('page:*')).toBe(2)
      expect(await a.cache.namespace('other').clear()).toBe(1)
    } finally {
      redis.process!.kill('SIGCONT')
    }
    await a.m.close()

    // another process of the machine, once it uses Redis again (after the backoff the first one noted)
    const b = manager({ driver, dir: a.dir, cwd: a.cwd, timeout: 2000 })
    expect(await untilRedisUsed(remote, b)).not.toBeNull()
    // nor listed (keys() lists what Redis holds: the removals go first)
    expect((await b.cache.keys()).sort()).toEqual(['kept', 'probe'])
    expect(await b.cache.get('gone')).toBeNull()
    expect(await b.cache.get('page:1')).toBeNull()
    expect(await b.cache.get('page:3')).toBeNull()
    expect(await b.cache.namespace('other').get('x')).toBeNull()
    expect(await b.cache.get('kept')).toBe('K')
    // written after the removal: served
    await remote.cache.set('gone', 'NEW')
    expect(await b.cache.get('gone')).toBe('NEW')
    await remote.cache.delete('gone')

    // and Redis itself no longer holds the removed entries (applied once it answered)
    // (and the notes are gone from the cache dir)
    let left: string[] = []
    for (let i = 0; i < 40; i++) {
      left = (await redis.raw!.keys('unperf:*')).filter(k => /:(gone|page:\d|x)$/.test(k))
      left.push(...readdirSync(a.dir).filter(f => f.startsWith('.redis-missed-')))
      if (left.length === 0) break
      await sleep(100)
    }
    expect(left).toEqual([])
    await b.m.close()
    await remote.m.close()
  }, 60_000)

  it('a delete() is noted before it resolves: a process.exit() right after it keeps it', async () => {
    const a = manager({ driver: ['fs', { driver: 'redis', url: redis.url }], timeout: 2000 })
    await a.cache.set('gone', 'OLD')
    redis.process!.kill('SIGSTOP')
    let out
    try {
      out = await child(lib(), 'delete-then-exit.mjs', { dir: a.dir, cwd: a.cwd, url: redis.url }).done
    } finally {
      redis.process!.kill('SIGCONT')
    }
    expect(out.out.trim(), out.err).toBe('deleted true')
    const noted = readdirSync(a.dir).filter(f => f.startsWith('.redis-missed-'))
    expect(noted.map(f => readFileSync(join(a.dir, f), 'utf8')).join('')).toMatch(/"key":"gone"/)
    await a.m.close()
  }, 60_000)

  it('a note dated ahead (a clock stepped back, a hand edit) does not cover writes made after it was written', async () => {
    const a = manager({ driver: ['fs', { driver: 'redis', url: redis.url }], timeout: 2000 })
    await a.cache.set('gone', 'OLD')
    redis.process!.kill('SIGSTOP')
    try {
      expect((await child(lib(), 'delete-then-exit.mjs', { dir: a.dir, cwd: a.cwd, url: redis.url }).done).out.trim()).toBe('deleted true')
    } finally {
      redis.process!.kill('SIGCONT')
    }
    const [note] = readdirSync(a.dir).filter(f => f.startsWith('.redis-missed-'))
    const file = join(a.dir, note!)
    const year = 365 * 24 * 3600 * 1000
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"at":(\d+)/g, (_, at: string) => `"at":${Number(at) + year}`))
    await a.m.close()
    await sleep(20)

    // written after the note: served (it was a miss for a year, and the note's apply deleted it)
    const remote = manager({ driver: [{ driver: 'redis', url: redis.url }], dir: a.dir, cwd: a.cwd, timeout: 2000 })
    await remote.cache.set('gone', 'NEW')
    const b = manager({ driver: ['fs', { driver: 'redis', url: redis.url }], dir: a.dir, cwd: a.cwd, timeout: 2000 })
    expect(await b.cache.get('gone')).toBe('NEW')
    await b.m.close()
    expect(await remote.cache.get('gone')).toBe('NEW')
    await remote.m.close()
  }, 60_000)

  it("a set() it missed: Redis's older value is not served to the next process (its memory tier empty)", async () => {
    const driver: DriverConfig = ['memory', { driver: 'redis', url: redis.url }]
    const a = manager({ driver, timeout: 300 })
    await a.cache.set('config', 'OLD')
    redis.process!.kill('SIGSTOP')
    try {
      // (the first call times out and marks the tier down; a frozen server runs it when it resumes)
      await a.cache.set('trip', 1)
      await a.cache.set('config', 'NEW')
      expect(await a.cache.get('config')).toBe('NEW')
      // a run of writes while it is down: noted in memory, written to the file in one append
      await Promise.all(Array.from({ length: 200 }, (_, i) => a.cache.set(`bulk-${i}`, i)))
    } finally {
      redis.process!.kill('SIGCONT')
    }
    await a.m.close()
    const noted = readdirSync(a.dir).filter(f => f.startsWith('.redis-missed-'))
    expect(noted).toHaveLength(1)
    expect(readFileSync(join(a.dir, noted[0]!), 'utf8').trim().split('\n')).toHaveLength(202)

    const remote = manager({ driver: [{ driver: 'redis', url: redis.url }], dir: a.dir, cwd: a.cwd, timeout: 2000 })
    const b = manager({ driver, dir: a.dir, cwd: a.cwd, timeout: 2000 })
    expect(await untilRedisUsed(remote, b)).not.toBeNull()
    expect(await b.cache.get('config')).toBeNull()
    await b.m.close()
    await remote.m.close()
  }, 60_000)
})
