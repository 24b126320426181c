import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { manager } from './_manager.js'
import { tempDir } from '../helpers/tmp.js'

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...filesUnder(p))
    else out.push(p)
  }
  return out
}

const VALUES: [string, unknown][] = [
  ['string that looks like a number', '456'],
  ['number', 456],
  ['null', null],
  ['false', false],
  ['empty string', ''],
  ['nested object', { a: [1, 'x', { b: null }], c: true }],
  ['unicode string', 'héllo ☃ \u0000 end'],
  ['Buffer', Buffer.from([0, 1, 2, 255])],
  ['Uint8Array', new Uint8Array([9, 8, 7])],
  ['large string (compressed)', 'x'.repeat(100_000)],
]

for (const driver of ['memory', 'fs'] as const) {
  describe(`cache on ${driver}`, () => {
    it.each(VALUES)('round-trips %s exactly', async (_name, value) => {
      const { cache } = manager({ driver })
      await cache.set('k', value)
      const got = await cache.get('k')
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
        expect(got).toBeInstanceOf(Uint8Array)
        expect(Buffer.isBuffer(got)).toBe(false)
        expect([...(got as Uint8Array)]).toEqual([...value])
      } else {
        expect(got).toEqual(value)
        expect(typeof got).toBe(typeof value)
        if (Buffer.isBuffer(value)) expect(Buffer.isBuffer(got)).toBe(true)
      }
    })

    it('keeps a/b, a:b, a_b and A/B distinct and lists the original keys', async () => {
      const { cache } = manager({ driver })
      const keys = ['a/b', 'a:b', 'a_b', 'A/B', 'a%2Fb', '../etc/passwd', '/abs/path', 'nul\u0000byte', 'k'.repeat(10_000), 'caf\u00e9', 'cafe\u0301', 'con', 'COM1']
      for (const [i, k] of keys.entries()) await cache.set(k, i)
      for (const [i, k] of keys.entries()) expect(await cache.get(k)).toBe(i)
      expect((await cache.keys()).sort()).toEqual([...keys].sort())
    })

    it('expires entries by TTL (ttl: false never expires)', async () => {
      const { cache } = manager({ driver })
      await cache.set('short', 1, { ttl: 30 })
      await cache.set('forever', 2, { ttl: false })
      await new Promise(r => setTimeout(r, 60))
      expect(await cache.get('short')).toBeNull()
      expect(await cache.get('forever')).toBe(2)
      const entry = await cache.getEntry('forever')
      expect(entry).toMatchObject({ value: 2, expiresAt: null })
    })

    it('getEntry returns value, times, size and metadata', async () => {
      const { cache } = manager({ driver })
      const before = Date.now()
      await cache.set('m', { x: 1 }, { ttl: 10_000, metadata: { source: 'test' } })
      const e = await cache.getEntry('m')
      expect(e!.metadata).toEqual({ source: 'test' })
      expect(e!.createdAt).toBeGreaterThanOrEqual(before)
      expect(e!.expiresAt).toBe(e!.createdAt + 10_000)
      expect(e!.size).toBeGreaterThan(0)
    })

    it('getMany / setMany / has / delete / clear / invalidate', async () => {
      const { cache } = manager({ driver })
      await cache.setMany([['user:1', 'a'], ['user:2', 'b'], ['team:1', 'c', { ttl: 5000 }]])
      expect(await cache.getMany(['user:1', 'nope', 'team:1'])).toEqual(['a', null, 'c'])
      expect(await cache.has('user:2')).toBe(true)
      expect(await cache.invalidate('user:*')).toBe(2)
      expect(await cache.has('user:1')).toBe(false)
      expect(await cache.invalidate(/^team:/)).toBe(1)
      await cache.set('x', 1)
      expect(await cache.delete('x')).toBe(true)
      expect(await cache.delete('x')).toBe(false)
      await cache.set('y', 1)
      expect(await cache.clear()).toBe(1)
      expect(await cache.keys()).toEqual([])
    })

    it('namespaces are separate; keys() and clear() cover one namespace', async () => {
      const { m } = manager({ driver })
      await m.root.set('k', 'root')
      await m.namespace('templates').set('k', 'tpl')
      expect(await m.root.get('k')).toBe('root')
      expect(await m.namespace('templates').get('k')).toBe('tpl')
      await m.namespace('templates').clear()
      expect(await m.root.get('k')).toBe('root')
    })

    it('stats count hits, misses, sets and the hit rate; hooks fire', async () => {
      const { cache, hooks } = manager({ driver })
      const events: string[] = []
      hooks.hook('cache:hit', e => { events.push(`hit:${e.key}`) })
      hooks.hook('cache:miss', e => { events.push(`miss:${e.key}`) })
      hooks.hook('cache:set', e => { events.push(`set:${e.key}`) })
      await cache.get('a')
      await cache.set('a', 1)
      await cache.get('a')
      expect(events).toEqual(['miss:a', 'set:a', 'hit:a'])
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, sets: 1, hitRate: 0.5 })
    })

    it('setMany fires cache:set per entry and counts like set()', async () => {
      const { cache, hooks } = manager({ driver })
      const events: string[] = []
      hooks.hook('cache:set', e => { events.push(`set:${e.key}`) })
      await cache.setMany([['a', 1], ['b', '2', { ttl: 5000 }]])
      expect(events).toEqual(['set:a', 'set:b'])
      expect(cache.stats()).toMatchObject({ sets: 2 })
    })

    it('LRU keeps the namespace within maxSize + 10 % and fires cache:evict', async () => {
      const { m, hooks } = manager({ driver, maxSize: 20_000, compress: false })
      const evicted: string[] = []
      hooks.hook('cache:evict', e => { evicted.push(e.key) })
      const cache = m.root
      for (let i = 0; i < 40; i++) {
        await cache.set(`k${i}`, 'v'.repeat(1000))
        if (i === 5) await cache.get('k0') // recently used: survives
      }
      await cache.prune()
      const info = await cache.info()
      expect(info.bytes).toBeLessThanOrEqual(22_000)
      expect(evicted.length).toBeGreaterThan(0)
      expect(evicted).not.toContain('k39')
      expect(await cache.get('k39')).not.toBeNull()
    })
  })
}

describe('wrap and cached', () => {
  it('single-flight: 10 000 concurrent wraps on 100 keys call fn 100 times', async () => {
    const { cache } = manager({ driver: 'memory' })
    let calls = 0
    const all = await Promise.all(Array.from({ length: 10_000 }, (_, i) => cache.wrap(`k${i % 100}`, async () => { calls++; await new Promise(r => setTimeout(r, 5)); return i % 100 })))
    expect(calls).toBe(100)
    expect(all[250]).toBe(50)
  })

  it('never caches errors', async () => {
    const { cache } = manager({ driver: 'fs' })
    let calls = 0
    const fn = async () => { calls++; if (calls === 1) throw new Error('first'); return 'ok' }
    await expect(cache.wrap('e', fn)).rejects.toThrow('first')
    expect(await cache.wrap('e', fn)).toBe('ok')
    expect(calls).toBe(2)
  })

  it('swr serves the stale value and revalidates in the background', async () => {
    const { cache, m } = manager({ driver: 'memory' })
    let n = 0
    const fn = async () => ++n
    expect(await cache.wrap('s', fn, { ttl: 20, swr: '1m' })).toBe(1)
    await new Promise(r => setTimeout(r, 40))
    expect(await cache.wrap('s', fn, { ttl: 20, swr: '1m' })).toBe(1) // stale
    await m.close()
    expect(await cache.get('s')).toBe(2)
    // the first call a miss, the second served stale, then get()'s hit: stale counts as served from the cache
    expect(cache.stats()).toMatchObject({ misses: 1, stale: 1, hits: 1, hitRate: 2 / 3 })
  })

  it('staleIfError serves the stale value when fn throws, and reports the error', async () => {
    const { cache, hooks, warnings } = manager({ driver: 'fs' })
    const errors: { key?: string; code: string; error: unknown }[] = []
    hooks.hook('cache:error', e => { errors.push(e) })
    expect(await cache.wrap('sie', async () => 'good', { ttl: 20, staleIfError: '1h' })).toBe('good')
    await new Promise(r => setTimeout(r, 40))
    const failing = () => cache.wrap('sie', async () => { throw new Error('offline') }, { ttl: 20, staleIfError: '1h' })
    // the caller whose fn failed and one that joined its call: each counted once, as stale
    expect(await Promise.all([failing(), failing()])).toEqual(['good', 'good'])
    expect(cache.stats()).toMatchObject({ misses: 1, stale: 2, hits: 0, errors: 1 })
    // fn's error, served over: told once per call of fn (the joined caller ran none), one warning per namespace
    expect(errors).toEqual([{ namespace: 'default', key: 'sie', code: 'E_STALE_IF_ERROR', error: expect.objectContaining({ message: 'offline' }) }])
    expect(warnings).toEqual([expect.stringContaining("wrap('sie') in cache namespace 'default': its function threw (offline); the expired value was served instead (staleIfError)")])
    await expect(cache.wrap('sie2', async () => { throw new Error('offline') }, { staleIfError: '1h' })).rejects.toThrow('offline')
    expect(cache.stats()).toMatchObject({ misses: 2, stale: 2 })
  })

  it('files: the content hash of the inputs joins the key', async () => {
    const { cache, cwd } = manager({ driver: 'fs' })
    writeFileSync(join(cwd, 'input.txt'), 'one')
    let runs = 0
    const build = () => cache.wrap('build', async () => ++runs, { files: ['input.txt', '*.md'] })
    expect(await build()).toBe(1)
    expect(await build()).toBe(1)
    writeFileSync(join(cwd, 'input.txt'), 'two')
    expect(await build()).toBe(2)
    writeFileSync(join(cwd, 'README.md'), 'new file')
    expect(await build()).toBe(3)
  })

  it('cached memoizes by arguments', async () => {
    const { cache } = manager({ driver: 'memory' })
    let calls = 0
    const square = cache.cached(async (n: number) => { calls++; return n * n }, { name: 'square' })
    expect(await square(3)).toBe(9)
    expect(await square(3)).toBe(9)
    expect(await square(4)).toBe(16)
    expect(calls).toBe(2)
  })

  it('cached: different arguments never share an entry (JSON.stringify made undefined, null and NaN one key, every Map {})', async () => {
    const { cache } = manager({ driver: 'memory' })
    const describe = cache.cached(async (...args: unknown[]) => args.map(a => Object.prototype.toString.call(a) + String(a instanceof Map || a instanceof Set ? a.size : a)).join('|'), { name: 'describe' })
    const distinct: unknown[][] = [
      [undefined], [null], [Number.NaN], [Number.POSITIVE_INFINITY], [], [[]], [{}], [{ a: undefined }],
      [new Map()], [new Map([[1, 2]])], [new Set()], [new Set([1])], ['2020-01-01T00:00:00.000Z'], [new Date('2020-01-01')],
      [1n], ['1n'], [Buffer.from('ab')], [new Uint8Array([97, 98])], [{ type: 'Buffer', data: [97, 98] }], ['a'], [['a']], ['a', undefined],
      [/x/g], [new URL('https://a.test/')], ['https://a.test/'], [Buffer.alloc(1000, 1)], [Buffer.alloc(1000, 2)],
    ]
    for (const args of distinct) {
      const result = await describe(...args)
      expect(await describe(...args), `a second call of ${String(args)} hits`).toBe(result)
    }
    // every list got its own entry: as many keys as lists
    expect((await cache.keys()).filter(k => k.startsWith('describe:'))).toHaveLength(distinct.length)
    // JSON-safe arguments keep JSON's text: entries cached before this change still hit
    await cache.set(`describe:${JSON.stringify(['a', 1, { b: [true, null] }])}`, 'from before')
    expect(await describe('a', 1, { b: [true, null] })).toBe('from before')
    // a cycle: a rejected promise naming the way out, not a synchronous throw
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(describe(cyclic)).rejects.toThrow(/options.key/)
  })

  it('sliding namespaces extend the ttl on each hit', async () => {
    // the wall clock moved by hand (Date only: the memory tier does no I/O, and the tier guard's
    // timers stay real): 40 ms sleeps against an 80 ms ttl failed whenever a loaded machine slept 80
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    try {
      const { m } = manager({ driver: 'memory', namespaces: { sessions: { ttl: 80, sliding: true }, fixed: { ttl: 80 } } })
      const s = m.namespace('sessions')
      const fixed = m.namespace('fixed')
      await s.set('sid', 'alice')
      await fixed.set('sid', 'alice')
      // four hits 60 ms apart: 240 ms after the set, three ttls, each within one of the last hit
      for (let i = 0; i < 4; i++) {
        vi.setSystemTime(Date.now() + 60)
        expect(await s.get('sid')).toBe('alice')
        // the extension is written in the background: let it land
        await new Promise(r => setImmediate(r))
      }
      // without sliding the same entry expired at 80 ms
      expect(await fixed.get('sid')).toBeNull()
      // a ttl without a hit: expired
      vi.setSystemTime(Date.now() + 81)
      expect(await s.get('sid')).toBeNull()
      await m.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it('warm fills keys in the background', async () => {
    const { cache } = manager({ driver: 'memory' })
    const done = cache.warm({ a: async () => 1, b: async () => 2 })
    expect(await cache.has('a')).toBe(false)
    await done
    expect(await cache.getMany(['a', 'b'])).toEqual([1, 2])
  })

  it('a disabled cache is a pass-through', async () => {
    const { cache } = manager({ enabled: false })
    let calls = 0
    await cache.set('k', 1)
    expect(await cache.get('k')).toBeNull()
    await cache.wrap('w', async () => ++calls)
    await cache.wrap('w', async () => ++calls)
    expect(calls).toBe(2)
    // setMany is a no-op too, counted like set() (nothing written, no cache:set)
    await cache.setMany([['x', 1], ['y', 2]])
    expect(await cache.getMany(['x', 'y'])).toEqual([null, null])
    expect(cache.stats().sets).toBe(0)
  })
})

describe('fs safety', () => {
  it('files 0600 in dirs 0700, all inside the cache dir, whatever the key', async () => {
    const { cache, dir } = manager({ driver: 'fs' })
    for (const k of ['../../escape', '/etc/passwd', 'a/../../b', '..', '.', 'x\u0000y']) await cache.set(k, 1)
    const files = filesUnder(dir)
    expect(files.length).toBeGreaterThan(0)
    for (const f of files) {
      expect(relative(dir, f).startsWith('..')).toBe(false)
      if (f.endsWith('.e')) expect(statSync(f).mode & 0o777).toBe(0o600)
    }
    for (const d of new Set(files.map(f => join(f, '..')))) expect(statSync(d).mode & 0o777).toBe(0o700)
  })

  it('a corrupt entry is a miss, removed, counted and reported', async () => {
    const { cache, dir, hooks } = manager({ driver: 'fs' })
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push(e.code) })
    for (const k of ['trunc', 'random', 'hash', 'future']) await cache.set(k, 'x'.repeat(100))
    const file = (k: string) => filesUnder(dir).find(f => f.endsWith(`/${k}.e`))!
    writeFileSync(file('trunc'), readFileSync(file('trunc')).subarray(0, 60))
    writeFileSync(file('random'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))
    writeFileSync(file('hash'), readFileSync(file('hash'), 'latin1').replace(/x{10}("?)$/, `${'y'.repeat(10)}$1`), 'latin1')
    writeFileSync(file('future'), Buffer.from('UNPERF9\n{}\n'))
    for (const k of ['trunc', 'random', 'hash', 'future']) {
      expect(await cache.get(k)).toBeNull()
      expect(file(k)).toBeUndefined() // removed: no file of that key is left
    }
    expect(errors).toContain('E_INTEGRITY')
    expect(cache.stats().errors).toBe(4)
  })

  it('verify() finds and removes corrupt entries, each reported as a read that met it would (stats, cache:error, cache:evict)', async () => {
    // written by one process (its background sweep after the writes done at close), checked by the next
    const writer = manager({ driver: 'fs' })
    await writer.cache.set('good', 1)
    await writer.cache.set('bad', 2)
    await writer.cache.set('worse', 3)
    await writer.m.close()
    const { cache, dir, hooks } = manager({ driver: 'fs', dir: writer.dir, cwd: writer.cwd })
    const errors: { key?: string; code: string }[] = []
    const evicted: string[] = []
    hooks.hook('cache:error', e => { errors.push({ key: e.key, code: e.code }) })
    hooks.hook('cache:evict', e => { evicted.push(`${e.key} ${e.reason}`) })
    for (const k of ['bad', 'worse']) writeFileSync(filesUnder(dir).find(f => f.endsWith(`/${k}.e`))!, 'garbage')
    expect(await cache.verify()).toEqual({ checked: 3, corrupt: 2, removed: 2 })
    expect(errors.sort((a, b) => a.key!.localeCompare(b.key!))).toEqual([{ key: 'bad', code: 'E_CORRUPT' }, { key: 'worse', code: 'E_CORRUPT' }])
    expect(evicted.sort()).toEqual(['bad corrupt', 'worse corrupt'])
    expect(cache.stats().errors).toBe(2)
    expect(await cache.get('good')).toBe(1)
  })

  it("prune() names a corrupt entry it removes by its key in cache:evict, not by its file ('bad.e')", async () => {
    const writer = manager({ driver: 'fs' })
    await writer.cache.set('good', 1)
    await writer.cache.set('bad', 2)
    await writer.m.close()
    const { cache, dir, hooks } = manager({ driver: 'fs', dir: writer.dir, cwd: writer.cwd })
    const evicted: string[] = []
    hooks.hook('cache:evict', e => { evicted.push(`${e.key} ${e.reason}`) })
    writeFileSync(filesUnder(dir).find(f => f.endsWith('/bad.e'))!, 'garbage')
    expect(await cache.prune()).toBe(1)
    expect(evicted).toEqual(['bad corrupt'])
    expect(await cache.get('good')).toBe(1)
  })

  it('verify() counts entries, not their copies: memory + fs holding 3 keys checked 3 (as info().entries, and the CLI in another process)', async () => {
    const { cache } = manager({ driver: ['memory', 'fs'] })
    for (const k of ['a', 'b', 'c']) await cache.set(k, k)
    expect((await cache.info()).entries).toBe(3)
    expect(await cache.verify()).toEqual({ checked: 3, corrupt: 0, removed: 0 })
  })

  it('a read-only cache dir never fails the caller: one warning, cache:error', async () => {
    const parent = join(tempDir('unperf-ro-'), 'a-file')
    writeFileSync(parent, 'not a directory')
    const { cache, warnings } = manager({ driver: 'fs', dir: join(parent, 'cache') })
    await cache.set('k', 1)
    await cache.set('k2', 1)
    expect(await cache.get('k')).toBeNull()
    expect(await cache.wrap('w', async () => 'computed')).toBe('computed')
    expect(warnings, warnings.join("\n")).toHaveLength(1)
    expect(cache.stats().errors).toBeGreaterThan(0)
  })
})

describeRedis('redis tier', () => {
  const opened: { m: { close(): Promise<void> } }[] = []
  afterAll(async () => { for (const o of opened) await o.m.close() })
  const open = (o: Parameters<typeof manager>[0] = {}) => {
    const r = manager({ driver: ['memory', { driver: 'redis', url: redisUrl! }], ...o })
    opened.push(r)
    return r
  }

  it('round-trips values and lists keys by scan', async () => {
    const { cache } = open()
    for (const [, v] of VALUES) {
      await cache.set('v', v)
      const got = await cache.get('v')
      expect(got instanceof Uint8Array ? [...got] : got).toEqual(v instanceof Uint8Array ? [...v] : v)
    }
    await cache.setMany([['a*b', 1], ['a?b', 2]])
    expect((await cache.keys()).sort()).toEqual(['a*b', 'a?b', 'v'])
  })

  it('promotes a redis hit into memory, keeping its expiry', async () => {
    const shared = open({ driver: [{ driver: 'redis', url: redisUrl! }] })
    await shared.cache.set('p', 'from-redis', { ttl: 60_000 })
    const { cache, m } = open({ dir: shared.dir, cwd: shared.cwd })
    const e = await cache.getEntry('p')
    expect(e!.value).toBe('from-redis')
    await m.close()
  })

  it('wrap across processes: one fn call for concurrent managers', async () => {
    const a = open({ driver: [{ driver: 'redis', url: redisUrl! }] })
    const b = open({ driver: [{ driver: 'redis', url: redisUrl! }], dir: a.dir, cwd: a.cwd })
    let calls = 0
    const fn = async () => { calls++; await new Promise(r => setTimeout(r, 200)); return 'v' }
    const [x, y] = await Promise.all([a.cache.wrap('lock-key', fn), b.cache.wrap('lock-key', fn)])
    expect([x, y]).toEqual(['v', 'v'])
    expect(calls).toBe(1)
  })

  it('an unreachable redis degrades to the local tier within the timeout', async () => {
    const { cache, warnings } = open({ driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:1' }], timeout: 100 })
    const t0 = Date.now()
    await cache.set('k', 1)
    expect(await cache.get('k')).toBe(1)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(warnings.some(w => w.includes('redis'))).toBe(true)
  })
})

describeRedis('cross-process lock of wrap', () => {
  it('a crashed lock holder blocks waiters only until its lock expires', async () => {
    const a = manager({ driver: [{ driver: 'redis', url: redisUrl! }] })
    const { Redis } = await import('ioredis')
    const raw = new Redis(redisUrl!)
    try {
      // find the lock key a holder takes: look while fn runs
      let seen = ''
      const probe = a.cache.wrap('probe', async () => {
        const keys = await raw.keys('lock:*probe')
        seen = keys[0] ?? ''
        return 1
      })
      expect(await probe).toBe(1)
      expect(seen).toMatch(/^lock:unperf:test-cli:.+probe$/)
      // a holder that crashed: the lock is there (1.5 s left) and nobody will release it
      const crashedLock = seen.replace(/probe$/, 'crashed')
      await raw.set(crashedLock, 'dead-holder', 'PX', 1500)
      let calls = 0
      const t0 = Date.now()
      expect(await a.cache.wrap('crashed', () => { calls++; return 'fresh' })).toBe('fresh')
      expect(calls).toBe(1)
      // it waited for the expiry (not the 30 s give-up deadline), then ran fn itself
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000)
      expect(Date.now() - t0).toBeLessThan(15_000)
      // the lock is not one of the namespace's keys
      expect((await a.cache.keys()).sort()).toEqual(['crashed', 'probe'])
    } finally {
      raw.disconnect()
      await a.m.close()
    }
  }, 30_000)
})
