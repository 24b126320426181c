/**
 * The Response perf.cache.fetch() gives is used like fetch's own: its clone() keeps the url and
 * `redirected` (a Response made with `new Response()` has them empty in its internal state, which
 * clone() copies: ky and other fetch wrappers clone the response), and its `type` is fetch's.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe("cached fetch: the Response's clone and type", () => {
  it('clone() of a MISS, a HIT and a BYPASS keeps url, redirected and type, as a clone of fetch\'s own does', async () => {
    const s = await server((req, res) => {
      if (req.url === '/old') { res.writeHead(301, { location: '/new' }); res.end(); return }
      res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'application/json' }); res.end('{"a":1}')
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const real = (await fetch(`${s.url}/old`)).clone()
    const seen = []
    for (const init of [{}, {}, { method: 'POST' }]) {
      const res = await f(`${s.url}/old`, init)
      const copy = res.clone()
      seen.push([res.headers.get('x-unperf-cache'), copy.url, copy.redirected, copy.type, await copy.json(), await res.json()])
    }
    expect(seen).toEqual([
      ['MISS', real.url, true, real.type, { a: 1 }, { a: 1 }],
      ['HIT', real.url, true, real.type, { a: 1 }, { a: 1 }],
      ['BYPASS', real.url, true, real.type, { a: 1 }, { a: 1 }],
    ])
    expect(real.url).toBe(`${s.url}/new`)
  })
})
