/**
 * Vary: the variants of one URL are kept side by side (fetch-vary.ts), as make-fetch-happen's and
 * undici's caches keep them: `Accept-Language: en` then `fr` then `en` again makes two requests, not
 * three (before, each new variant replaced the stored one). An unsafe method's answer or a new copy
 * at the URL's key leaves no old variant reachable.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

const lang = (l: string): RequestInit => ({ headers: { 'accept-language': l } })

describe('cached fetch: Vary', () => {
  it('two Accept-Language values are two entries, each served, revalidated and counted as its own; keys say the variant', async () => {
    const generation = 1
    const s = await server((req, res) => {
      const l = String(req.headers['accept-language'])
      const etag = `"${l}-${generation}"`
      const headers = { etag, vary: 'Accept-Language', 'cache-control': req.url === '/nc' ? 'no-cache' : 'max-age=600' }
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, headers).end()
      res.writeHead(200, headers).end(`${l} ${generation}`)
    })
    const { m } = realCache()
    const ns = m.namespace('http')
    const f = (l: string, path = '/v') => ns.fetch(`${s.url}${path}`, lang(l))
    const seen: string[] = []
    for (const l of ['en', 'fr', 'en', 'fr', 'de', 'en']) {
      const r = await f(l)
      seen.push(`${l}:${r.headers.get('x-unperf-cache')}:${await r.text()}`)
    }
    expect(seen).toEqual(['en:MISS:en 1', 'fr:MISS:fr 1', 'en:HIT:en 1', 'fr:HIT:fr 1', 'de:MISS:de 1', 'en:HIT:en 1'])
    expect(s.hits).toHaveLength(3)
    const keys = (await ns.keys()).sort()
    expect(keys[0]).toBe(`http:GET:${s.url}/v`)
    expect(keys.slice(1).map(k => k.replace(/[0-9a-f]{16}$/, 'HASH'))).toEqual([`http:GET:${s.url}/v#vary:HASH`, `http:GET:${s.url}/v#vary:HASH`])
    expect([ns.stats().hits, ns.stats().misses]).toEqual([3, 3])
    // a no-cache variant beside another: each revalidates with its own validator, and stays where it is
    for (const l of ['en', 'fr', 'en', 'fr']) await (await f(l, '/nc')).text()
    const before = s.hits.length
    const again = [await f('fr', '/nc'), await f('en', '/nc')]
    expect(again.map(r => r.headers.get('x-unperf-cache'))).toEqual(['REVALIDATED', 'REVALIDATED'])
    expect(s.hits.slice(before).map(h => h.headers['if-none-match'])).toEqual(['"fr-1"', '"en-1"'])
    expect(await Promise.all(again.map(r => r.text()))).toEqual(['fr 1', 'en 1'])
  })

  it("an unsafe method's answer drops every variant of the URL: no copy from before it is served after", async () => {
    let generation = 1
    const s = await server((req, res) => {
      if (req.method === 'POST') { generation++; return void res.writeHead(204).end() }
      res.writeHead(200, { vary: 'Accept-Language', 'cache-control': 'max-age=600' }).end(`${String(req.headers['accept-language'])} ${generation}`)
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    for (const l of ['en', 'fr', 'de']) await (await f(`${s.url}/doc`, lang(l))).text()
    expect(await (await f(`${s.url}/doc`, lang('fr'))).text()).toBe('fr 1')
    await f(`${s.url}/doc`, { method: 'POST', body: 'change' })
    const after = []
    for (const l of ['fr', 'en', 'de', 'en']) {
      const r = await f(`${s.url}/doc`, lang(l))
      after.push(`${r.headers.get('x-unperf-cache')} ${await r.text()}`)
    }
    expect(after).toEqual(['MISS fr 2', 'MISS en 2', 'MISS de 2', 'HIT en 2'])
  })
})
