/**
 * Over one Redis tier, calls for one URL in several processes share one network request
 * (fetch-gate.ts): the process about to fetch holds the key's cross-process lock, the others poll
 * the cache for its copy. Before, each process that missed made its own request. Two caches on one
 * Redis, each its own dir (what two processes of one project have), against the test redis-server.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { beforeAll, expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { ownRedisServer } from '../helpers/redis-server.js'
import { setLockTtlForTests } from '../../src/runtime/cache/redis-lock.js'
import { tempDir } from '../helpers/tmp.js'
import { child, childLib } from '../cache/_children.js'
import { manager, twoOnRedis } from '../cache/_manager.js'
import { server } from './_setup.js'

const lib = childLib()
/** A Redis of this file's own with an ACL user without scripting (the lock is SET NX with a lease, no holder seen). */
const noScripts = ownRedisServer()

const tally = (states: (string | null)[]): Record<string, number> => states.reduce<Record<string, number>>((t, s) => ({ ...t, [String(s)]: (t[String(s)] ?? 0) + 1 }), {})

describeRedis('cached fetch across processes (a Redis tier)', () => {
  beforeAll(async () => {
    const admin = new Redis(noScripts.url)
    await admin.call('ACL', 'SETUSER', 'noscripts', 'on', '>pw', '~*', '&*', '+@all', '-@scripting')
    admin.disconnect()
  })

  it('a Redis that refuses scripts: the other process waits out the holder\'s lease as wrap() does, one request', async () => {
    // leases shrunk (1 s; SET NX's lease 3 s): fetch gave up on a holder nobody is seen holding after
    // 2 × the lease (2 s), wrap() after 2 × the scriptless lease (6 s); a 2.5 s answer was fetched twice
    const ttl = setLockTtlForTests(1000)
    const s = await server((_req, res) => { setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=600' }).end('document'), 2500) })
    const { first, second, close } = await twoOnRedis(noScripts.url.replace('//', '//noscripts:pw@'))
    try {
      const a = first.fetch(`${s.url}/doc`)
      await new Promise(resolve => setTimeout(resolve, 100))
      const b = second.fetch(`${s.url}/doc`)
      expect(await Promise.all([(await a).text(), (await b).text()])).toEqual(['document', 'document'])
      expect(s.hits).toHaveLength(1)
    } finally {
      setLockTtlForTests(ttl)
      await close()
    }
  }, 20_000)

  it('20 concurrent calls in each of two processes: one network request, every other call a HIT', async () => {
    const s = await server((_req, res) => { setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=600' }).end('document'), 300) })
    const { first, second, close } = await twoOnRedis(redisUrl!)
    try {
      const calls = (cache: typeof first) => Promise.all(Array.from({ length: 20 }, () => cache.fetch(`${s.url}/doc`)))
      const [a, b] = await Promise.all([calls(first), calls(second)])
      expect(await Promise.all([...a, ...b].map(r => r.text()))).toEqual(Array(40).fill('document'))
      expect(s.hits).toHaveLength(1)
      expect(tally([...a, ...b].map(r => r.headers.get('x-unperf-cache')))).toEqual({ MISS: 1, HIT: 39 })
    } finally {
      await close()
    }
  })

  it('an answer the first process did not store (no-store): the other fetches its own once the lock is free', async () => {
    let n = 0
    const s = await server((_req, res) => { const i = ++n; setTimeout(() => res.writeHead(200, { 'cache-control': 'no-store' }).end(`answer ${i}`), 200) })
    const { first, second, close } = await twoOnRedis(redisUrl!)
    try {
      const [a, b] = await Promise.all([first.fetch(`${s.url}/private`), second.fetch(`${s.url}/private`)])
      expect([await a.text(), await b.text()].sort()).toEqual(['answer 1', 'answer 2'])
      expect([a.headers.get('x-unperf-cache'), b.headers.get('x-unperf-cache')]).toEqual(['MISS', 'MISS'])
    } finally {
      await close()
    }
  })

  it('a stored no-cache copy with an ETag, two processes (memory + Redis tiers, each its memory holding the copy) × 10 concurrent calls: one conditional request', async () => {
    // before: the waiting process polled its own memory tier, which held the old copy, so it never saw
    // the holder's revalidated one and revalidated itself once the lock was free; and the calls that
    // waited for a call of their own process each revalidated the copy it had just revalidated
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void setTimeout(() => res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end(), 300)
      res.writeHead(200, { 'cache-control': 'no-cache', etag: '"v1"' }).end('document')
    })
    const cwd = tempDir('unperf-fetch-mp-cwd-')
    const driver = ['memory' as const, { driver: 'redis' as const, url: redisUrl! }]
    const primer = manager({ cwd, driver, timeout: 5000 })
    expect((await primer.cache.fetch(`${s.url}/doc`)).headers.get('x-unperf-cache')).toBe('MISS')
    await primer.m.close()
    const go = join(tempDir('unperf-fetch-mp-go-'), 'go')
    const children = [0, 1].map(() => child(lib(), 'fetch-caller.mjs', { dir: tempDir('unperf-fetch-mp-'), cwd, url: redisUrl, target: `${s.url}/doc`, go, calls: 10 }))
    await Promise.all(children.map(c => c.ready()))
    expect(children.map(c => c.output().trim())).toEqual(['ready held', 'ready held'])
    writeFileSync(go, '')
    const results = await Promise.all(children.map(c => c.done))
    for (const r of results) expect(r.code, r.err).toBe(0)
    const answers = results.flatMap(r => JSON.parse(r.out.slice(r.out.indexOf('\n') + 1)) as { state: string; body: string }[])
    expect(answers.map(a => a.body)).toEqual(Array(20).fill('document'))
    expect(s.hits.map(h => h.headers['if-none-match'] ?? null)).toEqual([null, '"v1"'])
    expect(tally(answers.map(a => a.state))).toEqual({ REVALIDATED: 1, HIT: 19 })
  }, 60_000)

  it("a no-cache copy another process revalidated before this process's call (its memory tier behind Redis): revalidated by this call, not taken as its answer", async () => {
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end()
      res.writeHead(200, { 'cache-control': 'no-cache', etag: '"v1"' }).end('document')
    })
    const cwd = tempDir('unperf-fetch-behind-cwd-')
    const driver = ['memory' as const, { driver: 'redis' as const, url: redisUrl! }]
    const a = manager({ cwd, driver, timeout: 5000 })
    const b = manager({ cwd, driver, timeout: 5000 })
    try {
      expect((await a.cache.fetch(`${s.url}/doc`)).headers.get('x-unperf-cache')).toBe('MISS')
      expect(await b.cache.getEntry(`http:GET:${s.url}/doc`)).not.toBeNull()
      expect((await a.cache.fetch(`${s.url}/doc`)).headers.get('x-unperf-cache')).toBe('REVALIDATED')
      const res = await b.cache.fetch(`${s.url}/doc`)
      expect([res.headers.get('x-unperf-cache'), await res.text()]).toEqual(['REVALIDATED', 'document'])
      expect(s.hits.map(h => h.headers['if-none-match'] ?? null)).toEqual([null, '"v1"', '"v1"'])
    } finally {
      await a.m.close()
      await b.m.close()
    }
  })
})

