/**
 * Freshness a response states wrongly is no freshness (RFC 9111 §4.2.1): an invalid `max-age`
 * (`-1`, `abc`, `10.5`, empty) makes the copy stale, revalidated or refetched on the next call, and a
 * directive given twice counts by its first value. Before, such a copy was fresh for the namespace
 * ttl (a day by default), and `max-age=0, max-age=100` for 100 s.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

const CASES: Record<string, [cacheControl: string, second: string]> = {
  '/neg': ['max-age=-1', 'MISS'],
  '/word': ['max-age=abc', 'MISS'],
  '/fraction': ['max-age=10.5', 'MISS'],
  '/empty': ['max-age=', 'MISS'],
  '/first-zero': ['max-age=0, max-age=100', 'MISS'],
  '/first-long': ['max-age=100, max-age=0', 'HIT'],
  '/valid': ['public, max-age=100', 'HIT'],
  // a shared cache's directive: this cache is private, so it lengthens nothing
  '/shared': ['max-age=0, s-maxage=100', 'MISS'],
}

describe('cached fetch: invalid freshness', () => {
  it('an invalid max-age is stale, a repeated one counts by its first value', async () => {
    const s = await server((req, res) => { res.writeHead(200, { 'cache-control': CASES[req.url!]![0] }).end('x') })
    const f = createCachedFetch(realCache().cache, { ttl: 86_400_000, staleIfError: false })
    const seen: Record<string, string> = {}
    for (const path of Object.keys(CASES)) {
      await (await f(`${s.url}${path}`)).text()
      seen[path] = (await f(`${s.url}${path}`)).headers.get('x-unperf-cache')!
    }
    expect(seen).toEqual(Object.fromEntries(Object.entries(CASES).map(([path, [, second]]) => [path, second])))
  })

  it("an invalid Expires (`0`, a word) is stale too, not fresh for the namespace ttl; a future one is fresh", async () => {
    const expires: Record<string, string> = { '/zero': '0', '/word': 'never', '/future': new Date(Date.now() + 3_600_000).toUTCString() }
    const s = await server((req, res) => { res.writeHead(200, { expires: expires[req.url!]!, date: new Date().toUTCString() }).end('x') })
    const f = createCachedFetch(realCache().cache, { ttl: 86_400_000, staleIfError: false })
    const seen: Record<string, string> = {}
    for (const path of Object.keys(expires)) {
      await (await f(`${s.url}${path}`)).text()
      seen[path] = (await f(`${s.url}${path}`)).headers.get('x-unperf-cache')!
    }
    expect(seen).toEqual({ '/zero': 'MISS', '/word': 'MISS', '/future': 'HIT' })
  })
})
