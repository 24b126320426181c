/**
 * The request's own Cache-Control beyond no-store / no-cache: `max-age=N` takes only a copy stored
 * or revalidated at most N s ago (RFC 9111 §5.2.1.1; `max-age=0` revalidates, as a browser's reload
 * sends it), and `Pragma: no-cache` without a Cache-Control is `no-cache` (§5.4).
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('cached fetch: request directives', () => {
  it("a request's max-age=0 and Pragma: no-cache revalidate a fresh copy; max-age=600 takes it", async () => {
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v"') { res.writeHead(304, { etag: '"v"', 'cache-control': 'max-age=600' }); res.end(); return }
      res.writeHead(200, { etag: '"v"', 'cache-control': 'max-age=600' }); res.end('body')
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const state = async (headers: Record<string, string>) => {
      const r = await f(`${s.url}/d`, { headers })
      expect(await r.text()).toBe('body')
      return r.headers.get('x-unperf-cache')
    }
    expect(await state({})).toBe('MISS')
    expect(await state({})).toBe('HIT')
    expect(await state({ 'cache-control': 'max-age=600' })).toBe('HIT')
    expect(await state({ 'cache-control': 'max-age=0' })).toBe('REVALIDATED')
    expect(await state({ pragma: 'no-cache' })).toBe('REVALIDATED')
    // a Cache-Control of its own wins over Pragma
    expect(await state({ pragma: 'no-cache', 'cache-control': 'max-age=600' })).toBe('HIT')
    expect(s.hits).toHaveLength(3)
  })
})
