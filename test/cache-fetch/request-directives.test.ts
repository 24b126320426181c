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

describe('cached fetch: max-stale, min-fresh, only-if-cached (RFC 9111 §5.2.1)', () => {
  /** A copy stale from the start: max-age=60 with an Age of 100 s, so stale by 40 s; with an ETag so it is kept. */
  const staleServer = (extra = '') => server((req, res) => {
    const headers = { etag: '"v"', 'cache-control': `max-age=60${extra}`, age: '100' }
    if (req.headers['if-none-match'] === '"v"') { res.writeHead(304, headers); res.end(); return }
    res.writeHead(200, headers); res.end('body')
  })

  it('max-stale[=N] takes a copy stale by at most N s (any without N); not one whose response says must-revalidate or no-cache', async () => {
    const s = await staleServer()
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const state = async (cc?: string) => {
      const r = await f(`${s.url}/d`, cc === undefined ? {} : { headers: { 'cache-control': cc } })
      expect(await r.text()).toBe('body')
      return r.headers.get('x-unperf-cache')
    }
    expect(await state()).toBe('MISS')
    expect(await state()).toBe('REVALIDATED')
    expect(await state('max-stale=30')).toBe('REVALIDATED')
    expect(await state('max-stale=60')).toBe('STALE')
    expect(await state('max-stale')).toBe('STALE')
    expect(s.hits).toHaveLength(3)
    for (const extra of [', must-revalidate', ', no-cache']) {
      const strict = await staleServer(extra)
      const g = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
      await g(`${strict.url}/d`)
      expect((await g(`${strict.url}/d`, { headers: { 'cache-control': 'max-stale' } })).headers.get('x-unperf-cache')).toBe('REVALIDATED')
    }
  })

  it('min-fresh=N takes only a copy fresh for N s more', async () => {
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v"') { res.writeHead(304, { etag: '"v"', 'cache-control': 'max-age=600' }); res.end(); return }
      res.writeHead(200, { etag: '"v"', 'cache-control': 'max-age=600' }); res.end('body')
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const state = async (cc: string) => (await f(`${s.url}/d`, { headers: { 'cache-control': cc } })).headers.get('x-unperf-cache')
    expect(await state('min-fresh=300')).toBe('MISS')
    expect(await state('min-fresh=300')).toBe('HIT')
    expect(await state('min-fresh=900')).toBe('REVALIDATED')
    expect(s.hits).toHaveLength(2)
  })

  it("only-if-cached (init.cache or the request's Cache-Control) with nothing stored: a 504 Gateway Timeout as fetch's own responses are, marked MISS", async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('x') })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    for (const init of [{ cache: 'only-if-cached' } as RequestInit, { headers: { 'cache-control': 'only-if-cached' } }]) {
      const r = await f(`${s.url}/none`, init)
      expect([r.status, r.statusText, r.url, r.type, r.headers.get('x-unperf-cache')]).toEqual([504, 'Gateway Timeout', `${s.url}/none`, 'basic', 'MISS'])
      expect(() => r.headers.set('x', 'y')).toThrow('immutable')
      expect(await r.text()).toBe('')
    }
    expect(s.hits).toHaveLength(0)
    await f(`${s.url}/d`)
    expect((await f(`${s.url}/d`, { headers: { 'cache-control': 'only-if-cached' } })).headers.get('x-unperf-cache')).toBe('HIT')
    expect(s.hits).toHaveLength(1)
  })
})
