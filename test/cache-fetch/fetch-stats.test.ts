/**
 * `cache.fetch()` counts each call once in `stats()`, as its `x-unperf-cache` says: HIT and
 * REVALIDATED (the origin confirmed the stored body with a 304) a hit, STALE (stale-if-error,
 * offline; a request's max-stale) stale, MISS a miss, a copy found but replaced by a new body too.
 * Before, every call that found a stored copy counted a hit: a STALE answer with the server gone
 * left `stats().stale` at 0, and a revalidation that brought a new body counted a hit.
 */
import { describe, expect, it } from 'vitest'
import type { CacheEventPayload } from '../../src/hooks/types.js'
import { realCache, server } from './_setup.js'

const counts = (s: { hits: number; misses: number; stale: number }) => ({ hits: s.hits, misses: s.misses, stale: s.stale })

describe('fetch() in stats()', () => {
  it('MISS, REVALIDATED, then STALE with the server gone: a miss, a hit, a stale (cache:hit with stale: true)', async () => {
    const s = await server((req, res) => {
      if (req.headers['if-none-match'] === '"e1"') { res.writeHead(304, { etag: '"e1"', 'cache-control': 'max-age=0' }); res.end(); return }
      res.writeHead(200, { etag: '"e1"', 'cache-control': 'max-age=0' }); res.end('body')
    })
    const { m, hooks } = realCache({ staleIfError: 3_600_000 })
    const ns = m.namespace('http')
    const hits: CacheEventPayload[] = []
    hooks.hook('cache:hit', e => { hits.push(e) })
    const states: (string | null)[] = []
    for (let i = 0; i < 2; i++) states.push((await ns.fetch(`${s.url}/a`)).headers.get('x-unperf-cache'))
    await s.close()
    const offline = await ns.fetch(`${s.url}/a`)
    states.push(offline.headers.get('x-unperf-cache'))
    expect(await offline.text()).toBe('body')
    expect(states).toEqual(['MISS', 'REVALIDATED', 'STALE'])
    expect(counts(ns.stats())).toEqual({ hits: 1, misses: 1, stale: 1 })
    expect(hits.map(e => e.stale ?? false)).toEqual([false, true])
  })

  it('a fresh copy is a hit; a stored copy the origin replaced (a new ETag, 200) is a miss', async () => {
    let version = 1
    const s = await server((req, res) => {
      const cc = req.url === '/fresh' ? 'max-age=60' : 'max-age=0'
      res.writeHead(200, { etag: `"v${version}"`, 'cache-control': cc }); res.end(`v${version}`)
    })
    const { m } = realCache()
    const ns = m.namespace('http2')
    await ns.fetch(`${s.url}/fresh`)
    expect((await ns.fetch(`${s.url}/fresh`)).headers.get('x-unperf-cache')).toBe('HIT')
    await ns.fetch(`${s.url}/changing`)
    version = 2
    const changed = await ns.fetch(`${s.url}/changing`)
    expect([changed.headers.get('x-unperf-cache'), await changed.text()]).toEqual(['MISS', 'v2'])
    expect(counts(ns.stats())).toEqual({ hits: 1, misses: 3, stale: 0 })
  })
})
