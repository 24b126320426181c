/**
 * A caller's own conditional request (its If-None-Match, If-Modified-Since, ...) is its revalidation:
 * it gets the origin's 304 (the Fetch standard turns the 'default' cache mode into 'no-store'), not
 * the stored 200. And a cached body says its length, as the network's did.
 */
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('cached fetch: the caller\'s conditional requests, Content-Length', () => {
  it('If-None-Match / If-Modified-Since of the caller go to the origin, whose 304 comes back as is; the stored copy stays', async () => {
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since']) { res.writeHead(304, { etag: '"v1"' }); res.end(); return }
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=600' }); res.end('body v1')
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    expect((await f(`${s.url}/r`)).headers.get('x-unperf-cache')).toBe('MISS')
    const conditionals: Record<string, string>[] = [{ 'if-none-match': '"v1"' }, { 'if-modified-since': new Date().toUTCString() }]
    for (const headers of conditionals) {
      const res = await f(`${s.url}/r`, { headers })
      expect(res.status).toBe(304)
      expect(res.headers.get('x-unperf-cache')).toBe('BYPASS')
    }
    expect(s.hits.length).toBe(3)
    // a mode the caller chose stays theirs; the stored copy is still served to a plain call
    expect((await f(`${s.url}/r`, { headers: { 'if-none-match': '"v1"' }, cache: 'force-cache' } as RequestInit)).headers.get('x-unperf-cache')).toBe('HIT')
    const plain = await f(`${s.url}/r`)
    expect([plain.status, plain.headers.get('x-unperf-cache'), await plain.text()]).toEqual([200, 'HIT', 'body v1'])
    expect(s.hits.length).toBe(3)
  })

  it('a cached GET carries the Content-Length of its stored (decoded) body; a HEAD none of its own', async () => {
    const text = 'x'.repeat(5000)
    const s = await server((req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'cache-control': 'max-age=600' })
      res.end(req.method === 'HEAD' ? undefined : gzipSync(text))
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const miss = await f(`${s.url}/big`)
    expect(miss.headers.get('content-length')).toBe('5000')
    expect((await miss.text()).length).toBe(5000)
    const hit = await f(`${s.url}/big`)
    expect([hit.headers.get('x-unperf-cache'), hit.headers.get('content-length'), hit.headers.get('content-encoding')]).toEqual(['HIT', '5000', null])
    expect(await hit.text()).toBe(text)
    await f(`${s.url}/big`, { method: 'HEAD' })
    const head = await f(`${s.url}/big`, { method: 'HEAD' })
    expect([head.headers.get('x-unperf-cache'), head.headers.get('content-length')]).toEqual(['HIT', null])
  })

  it('a Range request goes to the origin (BYPASS) and gets its 206, not the stored whole 200 a resumed download would append; the copy stays', async () => {
    const whole = '0123456789'
    const s = await server((req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
      if (range) return void res.writeHead(206, { 'content-range': `bytes ${range[1]}-9/10` }).end(whole.slice(Number(range[1])))
      res.writeHead(200, { 'cache-control': 'max-age=600' }).end(whole)
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect(await (await f(`${s.url}/file`)).text()).toBe(whole)
    const rest = await f(`${s.url}/file`, { headers: { range: 'bytes=6-' } })
    expect([rest.status, rest.headers.get('x-unperf-cache'), await rest.text()]).toEqual([206, 'BYPASS', '6789'])
    const plain = await f(`${s.url}/file`)
    expect([plain.status, plain.headers.get('x-unperf-cache'), await plain.text()]).toEqual([200, 'HIT', whole])
    expect(s.hits).toHaveLength(2)
  })
})
