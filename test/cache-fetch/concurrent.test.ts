/**
 * Concurrent calls for one URL in a process share one network request (fetch-flights.ts): a CLI that
 * starts 50 lookups of one registry document at once makes one request, the others are answered from
 * what it stored. Before, every call went to the network (50 requests, 50 MISS).
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

const tally = (states: (string | null)[]): Record<string, number> => states.reduce<Record<string, number>>((t, s) => ({ ...t, [String(s)]: (t[String(s)] ?? 0) + 1 }), {})

describe('cached fetch: concurrent calls', () => {
  it('50 concurrent calls of one URL: one network request, 1 MISS and 49 HIT, every body whole; counted so in stats()', async () => {
    const s = await server((_req, res) => { setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=600', etag: '"e"' }).end('document'), 100) })
    const { m } = realCache()
    const ns = m.namespace('http')
    const responses = await Promise.all(Array.from({ length: 50 }, () => ns.fetch(`${s.url}/doc`)))
    expect(await Promise.all(responses.map(r => r.text()))).toEqual(Array(50).fill('document'))
    expect(tally(responses.map(r => r.headers.get('x-unperf-cache')))).toEqual({ MISS: 1, HIT: 49 })
    expect(s.hits).toHaveLength(1)
    const stats = await ns.stats()
    expect([stats.hits, stats.misses]).toEqual([49, 1])
  })

  it('a response the first call did not store (no-store) or a failed one: each waiting call goes to the network itself', async () => {
    let failing = 0
    const s = await server((req, res) => {
      if (req.url === '/fail' && failing++ === 0) return void res.destroy()
      setTimeout(() => res.writeHead(200, { 'cache-control': req.url === '/fail' ? 'max-age=600' : 'no-store' }).end(`answer ${req.url}`), 50)
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const unstored = await Promise.all(Array.from({ length: 5 }, () => f(`${s.url}/private`)))
    expect(await Promise.all(unstored.map(r => r.text()))).toEqual(Array(5).fill('answer /private'))
    expect(s.hits.filter(h => h.url === '/private')).toHaveLength(5)
    // the first call's request fails (connection reset): the second goes on and gets its own answer
    const [first, second] = await Promise.allSettled([f(`${s.url}/fail`), f(`${s.url}/fail`)])
    expect(first.status).toBe('rejected')
    expect(second.status === 'fulfilled' && await second.value.text()).toBe('answer /fail')
  })

  it("a waiting call keeps its own timeout and cancel: a hanging first call does not hold it; calls that must not take a copy (reload, no-cache) do not wait", async () => {
    const s = await server(() => { /* never answers */ })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const ac = new AbortController()
    const hanging = f(`${s.url}/hang`, { signal: ac.signal }).catch((e: unknown) => e)
    const waiting = await f(`${s.url}/hang`, { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e)
    expect((waiting as Error).name).toBe('TimeoutError')
    ac.abort()
    expect(((await hanging) as Error).name).toBe('AbortError')
    // a slow first call and a reload beside it: both reach the network
    s.setHandler((req, res) => { setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=600' }).end(`fresh ${req.headers['x-n']}`), 100) })
    const before = s.hits.length
    const [a, b, c] = await Promise.all([f(`${s.url}/r`, { headers: { 'x-n': '1' } }), f(`${s.url}/r`, { headers: { 'x-n': '2' }, cache: 'reload' } as RequestInit), f(`${s.url}/r`, { headers: { 'x-n': '3', 'cache-control': 'no-cache' } })])
    expect(await Promise.all([a, b, c].map(r => r.text()))).toEqual(['fresh 1', 'fresh 2', 'fresh 3'])
    expect(s.hits.length - before).toBe(3)
  })

  it('20 concurrent calls on a stored no-cache copy with an ETag: one conditional request, the waiting calls answered by the copy it confirmed', async () => {
    // before: each waiting call found the copy the first had just revalidated, still no-cache, and revalidated it again (20 requests)
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void setTimeout(() => res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end(), 100)
      res.writeHead(200, { 'cache-control': 'no-cache', etag: '"v1"' }).end('document')
    })
    const { m } = realCache()
    const ns = m.namespace('http')
    expect((await ns.fetch(`${s.url}/doc`)).headers.get('x-unperf-cache')).toBe('MISS')
    const responses = await Promise.all(Array.from({ length: 20 }, () => ns.fetch(`${s.url}/doc`)))
    expect(await Promise.all(responses.map(r => r.text()))).toEqual(Array(20).fill('document'))
    expect(s.hits.map(h => h.headers['if-none-match'] ?? null)).toEqual([null, '"v1"'])
    expect(tally(responses.map(r => r.headers.get('x-unperf-cache')))).toEqual({ REVALIDATED: 1, HIT: 19 })
    // a call after them revalidates again: the copy is still no-cache
    expect((await ns.fetch(`${s.url}/doc`)).headers.get('x-unperf-cache')).toBe('REVALIDATED')
    expect(s.hits).toHaveLength(3)
  })
})

