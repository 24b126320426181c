/**
 * A corrupt fs copy of an entry while a Redis tier behind it holds a good one: a corrupt entry is a
 * miss of its tier, removed and reported, never a crash or wrong data, on every read path alike, and
 * the same as when Redis is absent: the fs file removed, `cache:error` `E_CORRUPT`/`E_INTEGRITY`,
 * `cache:evict` `corrupt` naming the fs tier, the warning; then the good value comes from Redis and
 * is written back to the fs tier (the next process reads it from disk). The eviction was told only
 * without a slower tier: a faster tier's copy dropped while a slower one holds it is no loss for
 * lru and expiry, but a corrupt copy is news (a damaged disk, a sync tool) on every tier.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'
import type { DriverConfig } from '../../src/config/types.js'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
}
const fileOf = (dir: string, key: string) => filesUnder(dir).find(f => f.endsWith(`/${key}.e`))

const VALUE = { answer: 42, text: 'y'.repeat(200) }

/** Each way an fs copy goes bad, and the code its read reports. */
const CORRUPTIONS: [name: string, code: string, corrupt: (file: string, dir: string) => void][] = [
  ['a flipped byte', 'E_INTEGRITY', file => {
    const b = readFileSync(file)
    b[b.length - 5] ^= 0xff
    writeFileSync(file, b)
  }],
  ['a truncated file', 'E_CORRUPT', file => writeFileSync(file, readFileSync(file).subarray(0, 60))],
  ['a foreign file', 'E_CORRUPT', file => writeFileSync(file, 'not an entry at all')],
  ['another key\'s entry', 'E_CORRUPT', (file, dir) => copyFileSync(fileOf(dir, 'other')!, file)],
]

type Op = 'get' | 'getMany' | 'has' | 'getEntry' | 'wrap'
const OPS: Op[] = ['get', 'getMany', 'has', 'getEntry', 'wrap']

/** What each op returns when it reads VALUE. */
async function read(cache: ReturnType<typeof manager>['cache'], op: Op): Promise<unknown> {
  switch (op) {
    case 'get': return cache.get('k')
    case 'getMany': return (await cache.getMany(['k']))[0]
    case 'has': return (await cache.has('k')) ? VALUE : null
    case 'getEntry': return (await cache.getEntry('k'))?.value ?? null
    case 'wrap': return cache.wrap('k', () => ({ recomputed: true }))
  }
}

describeRedis('a corrupt fs copy with a good one on Redis', () => {
  const raw = new Redis(redisUrl!)
  afterAll(() => raw.quit())

  const LAYOUTS: [string, (url: string) => DriverConfig, number][] = [
    ['memory + fs + redis', url => ['memory', 'fs', { driver: 'redis', url }], 1],
    ['fs + redis', url => ['fs', { driver: 'redis', url }], 0],
  ]

  for (const [layout, driver, fsIndex] of LAYOUTS) {
    for (const op of OPS) {
      it.each(CORRUPTIONS)(`${layout}, ${op}(): %s is removed, reported (cache:error, cache:evict, the warning), the Redis value served and written back to fs`, async (_name, code, corrupt) => {
        const cwd = tempDir('unperf-fs-corrupt-cwd-')
        // one process wrote the key (and another, whose file can be copied over it)
        const writer = manager({ driver: driver(redisUrl!), cwd, timeout: 5000 })
        await writer.cache.set('k', VALUE)
        await writer.cache.set('other', { other: true })
        await writer.m.close()
        const dir = writer.dir
        corrupt(fileOf(dir, 'k')!, dir)

        // the next process, memory empty, reads it
        const reader = manager({ driver: driver(redisUrl!), cwd, dir, timeout: 5000 })
        const errors: string[] = []
        const evicted: string[] = []
        reader.hooks.hook('cache:error', e => { errors.push(`${e.code} ${e.key} ${e.tierName}`) })
        reader.hooks.hook('cache:evict', e => { evicted.push(`${e.reason} ${e.key} ${e.tier} ${e.tierName}`) })
        expect(await read(reader.cache, op)).toEqual(VALUE)
        expect(errors).toEqual([`${code} k fs`])
        expect(evicted).toEqual([`corrupt k ${fsIndex} fs`])
        expect(reader.warnings.filter(w => w.startsWith('cache-corrupt:default'))).toEqual([expect.stringContaining("in namespace 'default' from its fs tier")])
        // has() counts no hit (it reads no value)
        expect(reader.cache.stats()).toMatchObject({ hits: op === 'has' ? 0 : 1, misses: 0, errors: 1, evictions: 1 })
        await reader.m.close()

        // written back: a process with the fs tier alone reads the good value from disk
        const fsOnly = manager({ driver: 'fs', cwd, dir })
        const fsErrors: string[] = []
        fsOnly.hooks.hook('cache:error', e => { fsErrors.push(e.code) })
        expect(await fsOnly.cache.get('k')).toEqual(VALUE)
        expect(fsErrors).toEqual([])
        await fsOnly.m.close()
      })
    }
  }

  it('without Redis, the same corrupt fs copy: a miss, removed, the same error, eviction and warning (the reference)', async () => {
    const writer = manager({ driver: ['memory', 'fs'] })
    await writer.cache.set('k', VALUE)
    await writer.m.close()
    const file = fileOf(writer.dir, 'k')!
    writeFileSync(file, 'not an entry at all')
    const reader = manager({ driver: ['memory', 'fs'], cwd: writer.cwd, dir: writer.dir })
    const evicted: string[] = []
    reader.hooks.hook('cache:evict', e => { evicted.push(`${e.reason} ${e.key} ${e.tier} ${e.tierName}`) })
    expect(await reader.cache.get('k')).toBeNull()
    expect(fileOf(writer.dir, 'k')).toBeUndefined()
    expect(evicted).toEqual(['corrupt k 1 fs'])
    expect(reader.warnings.filter(w => w.startsWith('cache-corrupt:default'))).toHaveLength(1)
    expect(reader.cache.stats()).toMatchObject({ misses: 1, errors: 1, evictions: 1 })
    await reader.m.close()
  })

  it('verify() with a corrupt fs copy and a good Redis one: the fs copy removed and told as an eviction, as without Redis', async () => {
    const cwd = tempDir('unperf-fs-corrupt-cwd-')
    const driver: DriverConfig = ['fs', { driver: 'redis', url: redisUrl! }]
    const writer = manager({ driver, cwd, timeout: 5000 })
    await writer.cache.set('k', VALUE)
    await writer.cache.set('fine', 1)
    await writer.m.close()
    writeFileSync(fileOf(writer.dir, 'k')!, 'not an entry at all')
    const reader = manager({ driver, cwd, dir: writer.dir, timeout: 5000 })
    const evicted: string[] = []
    reader.hooks.hook('cache:evict', e => { evicted.push(`${e.reason} ${e.key} ${e.tierName}`) })
    expect(await reader.cache.verify()).toMatchObject({ corrupt: 1, removed: 1 })
    expect(evicted).toEqual(['corrupt k fs'])
    expect(fileOf(writer.dir, 'k')).toBeUndefined()
    expect(await reader.cache.get('k')).toEqual(VALUE)
    await reader.m.close()
  })
})
