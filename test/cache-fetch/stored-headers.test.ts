/**
 * The headers a cached copy is served with: a HEAD's keep the resource's Content-Length (what a CLI
 * sends a HEAD for), and a 304 updates the stored headers, whose expiry is then computed from them
 * (RFC 9111 §4.3.4): an Expires the 304 leaves out is the stored one, not the namespace ttl.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('cached fetch: stored headers', () => {
  it("a HEAD answered through the cache (MISS, then HIT) has the server's Content-Length, as fetch's own", async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'content-length': '123456', 'content-type': 'application/zip', 'cache-control': 'max-age=600' })
      res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(123456))
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect((await fetch(`${s.url}/file.zip`, { method: 'HEAD' })).headers.get('content-length')).toBe('123456')
    const miss = await f(`${s.url}/file.zip`, { method: 'HEAD' })
    const hit = await f(`${s.url}/file.zip`, { method: 'HEAD' })
    expect([miss.headers.get('x-unperf-cache'), hit.headers.get('x-unperf-cache')]).toEqual(['MISS', 'HIT'])
    expect([miss.headers.get('content-length'), hit.headers.get('content-length')]).toEqual(['123456', '123456'])
    expect(await hit.text()).toBe('')
    // the GET's copy says its stored body's length
    await f(`${s.url}/file.zip`)
    expect((await f(`${s.url}/file.zip`)).headers.get('content-length')).toBe('123456')
  })

  it("after a 304 without Expires, the stored Expires (past) still applies: the next call revalidates, it is not fresh for the namespace ttl", async () => {
    const s = await server((req, res) => {
      const date = new Date().toUTCString()
      if (req.headers['if-none-match'] === '"x"') { res.writeHead(304, { etag: '"x"', date }); res.end(); return }
      res.writeHead(200, { etag: '"x"', date, expires: date }); res.end('body')
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const states: (string | null)[] = []
    for (let i = 0; i < 3; i++) {
      const r = await f(`${s.url}/expires`)
      states.push(r.headers.get('x-unperf-cache'))
      expect(await r.text()).toBe('body')
    }
    expect(states).toEqual(['MISS', 'REVALIDATED', 'REVALIDATED'])
    expect(s.hits).toHaveLength(3)
  })
})
