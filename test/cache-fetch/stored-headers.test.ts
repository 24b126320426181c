/**
 * The headers a cached copy is served with: a HEAD's keep the resource's Content-Length (what a CLI
 * sends a HEAD for), and a 304 updates the stored headers, whose expiry is then computed from them
 * (RFC 9111 §4.3.4): an Expires the 304 leaves out is the stored one, not the namespace ttl. The
 * hop-by-hop headers (RFC 9110 §7.6.1) describe one connection: never stored nor served from a copy.
 * A HEAD is answered from a fresh stored GET, with the headers the server's HEAD gives.
 */
import { gzipSync } from 'node:zlib'
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

  it('hop-by-hop headers (Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authenticate, and those Connection names) are not stored, from a 200 or a 304', async () => {
    // (node:http refuses a Trailer header on a 304: a body-less response)
    const hop = { 'keep-alive': 'timeout=5', te: 'trailers', upgrade: 'h2c', 'proxy-authenticate': 'Basic realm="p"' }
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"h"') return void res.writeHead(304, { ...hop, connection: 'keep-alive, X-Hop-304', 'x-hop-304': 'b', etag: '"h"', 'cache-control': 'max-age=0', 'x-end-to-end': '304' }).end()
      res.writeHead(200, { ...hop, trailer: 'x-checksum', connection: 'keep-alive, x-hop-trace', 'x-hop-trace': 'a', etag: '"h"', 'cache-control': 'max-age=0', 'x-end-to-end': '200' }).end('body')
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const hopNames = ['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'x-hop-trace', 'x-hop-304']
    const first = await f(`${s.url}/hop`)
    expect(first.headers.get('x-unperf-cache')).toBe('MISS')
    const revalidated = await f(`${s.url}/hop`)
    const again = await f(`${s.url}/hop`, { cache: 'force-cache' } as RequestInit)
    expect([revalidated.headers.get('x-unperf-cache'), again.headers.get('x-unperf-cache')]).toEqual(['REVALIDATED', 'HIT'])
    for (const r of [first, revalidated, again]) expect(hopNames.filter(n => r.headers.has(n))).toEqual([])
    expect([first.headers.get('x-end-to-end'), again.headers.get('x-end-to-end')]).toEqual(['200', '304'])
    expect(await again.text()).toBe('body')
  })

  it("a HEAD with a fresh stored GET is answered from it (HIT, no request), with the GET's headers and the wire's Content-Length and Content-Encoding, as the server's HEAD; not from a copy to revalidate", async () => {
    const zipped = gzipSync('x'.repeat(5000))
    const s = await server((req, res) => {
      const cc = req.url === '/no-cache' ? 'no-cache' : 'max-age=600'
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': String(zipped.length), 'cache-control': cc, etag: '"z"' })
      res.end(req.method === 'HEAD' ? undefined : zipped)
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const direct = await fetch(`${s.url}/text`, { method: 'HEAD' })
    const get = await f(`${s.url}/text`)
    expect([get.headers.get('x-unperf-cache'), (await get.text()).length]).toEqual(['MISS', 5000])
    const before = s.hits.length
    const head = await f(`${s.url}/text`, { method: 'HEAD' })
    expect(s.hits.length - before).toBe(0)
    expect(head.headers.get('x-unperf-cache')).toBe('HIT')
    for (const name of ['content-length', 'content-encoding', 'content-type', 'etag']) expect([name, head.headers.get(name)]).toEqual([name, direct.headers.get(name)])
    expect([head.status, await head.text()]).toEqual([200, ''])
    // a stored GET that must be revalidated answers no HEAD: the HEAD goes to the network
    await (await f(`${s.url}/no-cache`)).text()
    const revalidating = await f(`${s.url}/no-cache`, { method: 'HEAD' })
    expect(revalidating.headers.get('x-unperf-cache')).toBe('MISS')
    expect(s.hits.at(-1)?.method).toBe('HEAD')
  })
})

