/**
 * RFC 9111 §4.4: a non-error response to an unsafe method (POST, PUT, PATCH, DELETE) invalidates the
 * stored responses of its URL, so a CLI that updates a resource and reads it back gets the new one.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('cached fetch and unsafe methods', () => {
  it('a successful POST, PUT, PATCH or DELETE removes the stored GET and HEAD of its URL (the fragment aside)', async () => {
    let version = 1
    const s = await server((req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') { version++; res.writeHead(req.method === 'DELETE' ? 204 : 200); res.end(); return }
      res.writeHead(200, { 'cache-control': 'max-age=600', 'x-version': String(version) }); res.end(`v${version}`)
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const before = await (await f(`${s.url}/item`)).text()
      await f(`${s.url}/item`, { method: 'HEAD' })
      expect((await f(`${s.url}/item`)).headers.get('x-unperf-cache')).toBe('HIT')
      const changed = await f(`${s.url}/item#x`, { method, body: method === 'DELETE' ? undefined : 'x' })
      expect(changed.headers.get('x-unperf-cache')).toBe('BYPASS')
      const after = await f(`${s.url}/item`)
      expect(after.headers.get('x-unperf-cache'), method).toBe('MISS')
      expect(await after.text()).toBe(`v${Number(before.slice(1)) + 1}`)
      expect((await f(`${s.url}/item`, { method: 'HEAD' })).headers.get('x-version')).toBe(String(version))
    }
  })

  it('a POST given as a Request invalidates too; an error response (4xx, 5xx) or another URL invalidates nothing', async () => {
    const s = await server((req, res) => {
      if (req.url === '/fail') { res.writeHead(req.method === 'GET' ? 200 : 500, { 'cache-control': 'max-age=600' }); res.end('kept'); return }
      res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end(req.method)
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    await f(`${s.url}/fail`)
    await f(`${s.url}/other`)
    expect((await f(`${s.url}/fail`, { method: 'POST', body: 'x' })).status).toBe(500)
    expect((await f(`${s.url}/fail`)).headers.get('x-unperf-cache')).toBe('HIT')
    await f(new Request(`${s.url}/r`))
    expect((await f(new Request(`${s.url}/r`))).headers.get('x-unperf-cache')).toBe('HIT')
    await f(new Request(`${s.url}/r`, { method: 'POST', body: 'x' }))
    expect((await f(`${s.url}/r`)).headers.get('x-unperf-cache')).toBe('MISS')
    expect((await f(`${s.url}/other`)).headers.get('x-unperf-cache')).toBe('HIT')
  })
})
