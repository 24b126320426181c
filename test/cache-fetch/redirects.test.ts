/**
 * Redirects: a copy reached through a redirect answers only requests that follow redirects, a
 * redirect that was not followed (`redirect: 'manual'`) is never stored, and a response from the
 * cache says `redirected` and its final `url` as fetch's own does.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

function redirecting() {
  return server((req, res) => {
    if (req.url === '/old') { res.writeHead(301, { location: '/new', 'cache-control': 'max-age=600' }); res.end(); return }
    res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('final')
  })
}

describe('cached fetch and redirects', () => {
  it("a followed redirect's copy is redirected, with the final url, on the miss and on the hit", async () => {
    const s = await redirecting()
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    for (const state of ['MISS', 'HIT']) {
      const res = await f(`${s.url}/old`)
      expect(res.headers.get('x-unperf-cache')).toBe(state)
      expect([res.status, res.redirected, res.url, await res.text()]).toEqual([200, true, `${s.url}/new`, 'final'])
    }
    const direct = await f(`${s.url}/new`)
    expect([direct.headers.get('x-unperf-cache'), direct.redirected]).toEqual(['MISS', false])
    expect((await f(`${s.url}/new`)).redirected).toBe(false)
  })

  it("redirect: 'manual' gets the 301 itself, not the followed copy, and the 301 is never served to a call that follows", async () => {
    const s = await redirecting()
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect(await (await f(`${s.url}/old`)).text()).toBe('final')
    const manual = await f(`${s.url}/old`, { redirect: 'manual' })
    expect([manual.status, manual.headers.get('location'), manual.headers.get('x-unperf-cache')]).toEqual([301, '/new', 'MISS'])
    // the followed copy is still there for a call that follows redirects
    const followed = await f(`${s.url}/old`)
    expect([followed.status, followed.headers.get('x-unperf-cache'), await followed.text()]).toEqual([200, 'HIT', 'final'])
    expect(s.hits.map(h => h.url)).toEqual(['/old', '/new', '/old'])

    // the other order: a manual call first stores nothing a following call could get
    const g = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect((await g(new Request(`${s.url}/old`, { redirect: 'manual' }))).status).toBe(301)
    const after = await g(`${s.url}/old`)
    expect([after.status, after.headers.get('x-unperf-cache'), await after.text()]).toEqual([200, 'MISS', 'final'])
  })

  it("redirect: 'error' is not answered from a copy reached through a redirect (fetch rejects, as without the cache)", async () => {
    const s = await redirecting()
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: 600_000 })
    await f(`${s.url}/old`)
    await expect(f(`${s.url}/old`, { redirect: 'error' })).rejects.toThrow()
    expect((await f(`${s.url}/new`, { redirect: 'error' })).status).toBe(200)
    expect((await f(`${s.url}/new`, { redirect: 'error' })).headers.get('x-unperf-cache')).toBe('HIT')
  })
})
