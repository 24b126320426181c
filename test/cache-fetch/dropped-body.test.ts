/**
 * A connection that drops in the middle of the body (undici's 'terminated') is a network error as
 * much as a refused connection: with a stored copy inside its stale-if-error window the copy is
 * served (STALE), as it is when the server is down; without one the call rejects with fetch's
 * error, and the partial body is never stored.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('cached fetch: a body cut off mid-transfer', () => {
  it('serves the stored copy within staleIfError; without a copy it rejects; the partial body is not stored', async () => {
    let broken = false
    const s = await server((_req, res) => {
      if (!broken) { res.writeHead(200, { 'cache-control': 'max-age=0', etag: '"1"' }); res.end('full body'); return }
      res.writeHead(200, { 'cache-control': 'max-age=600', etag: '"2"', 'content-length': '1000' })
      res.write('partial', () => res.socket?.destroy())
    })
    const { cache } = realCache()
    const withWindow = createCachedFetch(cache, { ttl: 600_000, staleIfError: 3_600_000 })
    expect(await (await withWindow(`${s.url}/x`)).text()).toBe('full body')
    broken = true
    const stale = await withWindow(`${s.url}/x`)
    expect(stale.headers.get('x-unperf-cache')).toBe('STALE')
    expect(await stale.text()).toBe('full body')
    // the copy is kept as it was (the partial body not stored in its place)
    expect((await cache.getEntry<Buffer>(`http:GET:${s.url}/x`))?.value.toString()).toBe('full body')
    // no copy to serve: fetch's own error, and nothing stored
    await expect(withWindow(`${s.url}/never-stored`)).rejects.toThrow('terminated')
    expect(await cache.getEntry(`http:GET:${s.url}/never-stored`)).toBeNull()
  })
})
