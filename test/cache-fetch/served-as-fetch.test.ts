/**
 * What a response of perf.cache.fetch() says about where it came from, as an HTTP cache and fetch say it:
 * `BYPASS` with the cache off (nothing was looked up: not a `MISS`), an `Age` on a copy served from the
 * store (RFC 9111 §5.1), and headers that cannot be changed, as a fetch Response's cannot.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('perf.cache.fetch(): responses as an HTTP cache and fetch give them', () => {
  it('with the cache off (cache.enabled: false, what UNPERF_CACHE=0 resolves to) every response is BYPASS, none MISS', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=60' }); res.end('fresh') })
    const { cache } = realCache({ enabled: false })
    for (let i = 0; i < 2; i++) {
      const res = await cache.fetch(`${s.url}/off`)
      expect(res.headers.get('x-unperf-cache')).toBe('BYPASS')
      expect(await res.text()).toBe('fresh')
    }
    expect((await cache.fetch(`${s.url}/off`, { cache: 'only-if-cached' } as RequestInit)).headers.get('x-unperf-cache')).toBe('BYPASS')
    expect(s.hits).toHaveLength(2)
    // on, the same calls are a MISS then a HIT
    const on = realCache().cache
    expect((await on.fetch(`${s.url}/on`)).headers.get('x-unperf-cache')).toBe('MISS')
    expect((await on.fetch(`${s.url}/on`)).headers.get('x-unperf-cache')).toBe('HIT')
  })

  it('a HIT and a STALE copy carry Age: the Age it came with plus its seconds in the store; a MISS adds none', async () => {
    let fail = false
    const s = await server((req, res) => {
      if (fail) return void res.writeHead(503).end()
      res.writeHead(200, req.url === '/aged' ? { 'cache-control': 'max-age=600', age: '7' } : { 'cache-control': 'max-age=1, stale-if-error=600' })
      res.end('body')
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const miss = await f(`${s.url}/aged`)
    expect(miss.headers.get('x-unperf-cache')).toBe('MISS')
    expect(miss.headers.get('age')).toBe('7') // the origin's, as it came
    expect((await f(`${s.url}/plain`)).headers.get('age')).toBeNull()
    const hit = await f(`${s.url}/aged`)
    expect(hit.headers.get('x-unperf-cache')).toBe('HIT')
    expect(hit.headers.get('age')).toBe('7')
    expect((await f(`${s.url}/plain`)).headers.get('age')).toBe('0')
    await new Promise(r => setTimeout(r, 1100)) // a second in the store; /plain is stale now
    expect(Number((await f(`${s.url}/aged`)).headers.get('age'))).toBeGreaterThanOrEqual(8)
    fail = true
    const stale = await f(`${s.url}/plain`)
    expect(stale.headers.get('x-unperf-cache')).toBe('STALE')
    expect(Number(stale.headers.get('age'))).toBeGreaterThanOrEqual(1)
  })

  it("a response's headers are immutable, as fetch's own (set, append and delete throw a TypeError), on its clone too", async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=60', 'x-a': '1' }); res.end('x') })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const real = await fetch(`${s.url}/real`)
    expect(() => real.headers.set('x-a', '2')).toThrow(TypeError) // what fetch does
    for (const res of [await f(`${s.url}/h`), await f(`${s.url}/h`), await f(`${s.url}/h`, { cache: 'no-store' } as RequestInit)]) {
      for (const headers of [res.headers, res.clone().headers]) {
        expect(() => headers.set('x-a', '2')).toThrow(TypeError)
        expect(() => headers.append('x-b', '2')).toThrow(TypeError)
        expect(() => headers.delete('x-a')).toThrow(TypeError)
        expect(headers.get('x-a')).toBe('1')
      }
      expect(await res.text()).toBe('x')
    }
  })
})
