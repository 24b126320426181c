import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter(d => d.isFile()).map(d => join(d.parentPath, d.name))
}
function allBytes(dir: string): string {
  return filesUnder(dir).map(f => readFileSync(f).toString('latin1')).join('\n')
}

describe('cached fetch', () => {
  it('a max-age response is fetched once and then served from the cache with its status, headers and binary body', async () => {
    const body = Buffer.from([0, 1, 2, 255, 254, 10, 13])
    const s = await server((_req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60', 'x-custom': 'yes' }); res.end(body) })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const a = await f(`${s.url}/bin`)
    expect(a.headers.get('x-unperf-cache')).toBe('MISS')
    expect(Buffer.from(await a.arrayBuffer())).toEqual(body)
    const b = await f(`${s.url}/bin`)
    expect(b.headers.get('x-unperf-cache')).toBe('HIT')
    expect(b.status).toBe(200)
    expect(b.headers.get('x-custom')).toBe('yes')
    expect(b.headers.get('content-type')).toBe('application/octet-stream')
    expect(Buffer.from(await b.arrayBuffer())).toEqual(body)
    expect(s.hits).toHaveLength(1)
  })

  it('a stored copy survives the process: a new cache on the same dir answers without the network', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('persisted') })
    const first = realCache()
    expect(await (await createCachedFetch(first.cache, { ttl: 60_000, staleIfError: false })(`${s.url}/p`)).text()).toBe('persisted')
    await first.m.close()
    const second = realCache({ dir: first.dir })
    const res = await createCachedFetch(second.cache, { ttl: 60_000, staleIfError: false })(`${s.url}/p`)
    expect(res.headers.get('x-unperf-cache')).toBe('HIT')
    expect(await res.text()).toBe('persisted')
    expect(s.hits).toHaveLength(1)
  })

  it('revalidates with If-None-Match: a 304 serves the stored body, merges new headers and refreshes the expiry', async () => {
    let n = 0
    const s = await server((req, res) => {
      n++
      if (req.headers['if-none-match'] === '"v1"') { res.writeHead(304, { etag: '"v1"', 'cache-control': n >= 3 ? 'max-age=60' : 'no-cache', 'x-gen': String(n) }); res.end(); return }
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'no-cache', 'x-gen': String(n) }); res.end('template')
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    expect((await f(`${s.url}/t`)).headers.get('x-unperf-cache')).toBe('MISS')
    const r2 = await f(`${s.url}/t`)
    expect(r2.headers.get('x-unperf-cache')).toBe('REVALIDATED')
    expect(await r2.text()).toBe('template')
    expect(r2.headers.get('x-gen')).toBe('2')
    expect(s.hits[1]!.headers['if-none-match']).toBe('"v1"')
    const r3 = await f(`${s.url}/t`) // the 304 now says max-age=60
    expect(r3.headers.get('x-unperf-cache')).toBe('REVALIDATED')
    const r4 = await f(`${s.url}/t`)
    expect(r4.headers.get('x-unperf-cache')).toBe('HIT')
    expect(await r4.text()).toBe('template')
    expect(s.hits).toHaveLength(3)
  })

  it('revalidates with If-Modified-Since when only Last-Modified is known; a changed resource replaces the copy', async () => {
    const lm = 'Wed, 21 Oct 2015 07:28:00 GMT'
    let version = 'one'
    const s = await server((req, res) => {
      if (version === 'one' && req.headers['if-modified-since'] === lm) { res.writeHead(304); res.end(); return }
      res.writeHead(200, { 'last-modified': version === 'one' ? lm : 'Thu, 22 Oct 2015 07:28:00 GMT', 'cache-control': 'max-age=0' }); res.end(version)
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    await f(`${s.url}/lm`)
    const r2 = await f(`${s.url}/lm`)
    expect(r2.headers.get('x-unperf-cache')).toBe('REVALIDATED')
    expect(s.hits[1]!.headers['if-modified-since']).toBe(lm)
    version = 'two'
    const r3 = await f(`${s.url}/lm`)
    expect(r3.headers.get('x-unperf-cache')).toBe('MISS')
    expect(await r3.text()).toBe('two')
  })

  it('max-age overrides the ttl both ways (max-age=0 revalidates under a long ttl; max-age=600 holds under a 0 ttl)', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'cache-control': req.url === '/short' ? 'max-age=0' : 'max-age=600' }); res.end(req.url)
    })
    const long = createCachedFetch(realCache().cache, { ttl: 3_600_000, staleIfError: false })
    await long(`${s.url}/short`)
    expect((await long(`${s.url}/short`)).headers.get('x-unperf-cache')).toBe('MISS') // no validators: fetched again
    const zero = createCachedFetch(realCache().cache, { ttl: 0, staleIfError: false })
    await zero(`${s.url}/long`)
    expect((await zero(`${s.url}/long`)).headers.get('x-unperf-cache')).toBe('HIT')
  })

  it('no-store and private responses are never stored; errors statuses like 500 are not stored', async () => {
    const s = await server((req, res) => {
      if (req.url === '/500') { res.writeHead(500); res.end('boom'); return }
      res.writeHead(200, { 'cache-control': req.url === '/nostore' ? 'no-store' : 'private, max-age=600' }); res.end('x')
    })
    const { cache, dir } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    for (const path of ['/nostore', '/private', '/500']) {
      await f(`${s.url}${path}`)
      const again = await f(`${s.url}${path}`)
      expect(again.headers.get('x-unperf-cache')).toBe('MISS')
    }
    expect(s.hits).toHaveLength(6)
    expect(await cache.keys()).toEqual([])
    expect(allBytes(dir)).not.toContain('private, max-age')
  })

  it('never stores Set-Cookie, and a request with Authorization or Cookie bypasses the cache entirely', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600', 'set-cookie': 'session=SECRET-COOKIE; HttpOnly' }); res.end('public body')
    })
    const { cache, dir } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const first = await f(`${s.url}/c`)
    expect(first.headers.get('set-cookie')).toBe('session=SECRET-COOKIE; HttpOnly') // the network's answer: the caller's, as fetch's (set-cookie.test.ts)
    const hit = await f(`${s.url}/c`)
    expect(hit.headers.get('x-unperf-cache')).toBe('HIT')
    expect(hit.headers.get('set-cookie')).toBeNull()

    const authed = await f(`${s.url}/c`, { headers: { authorization: 'Bearer TOKEN-123' } })
    expect(authed.headers.get('x-unperf-cache')).toBe('BYPASS')
    expect(s.hits.at(-1)!.headers.authorization).toBe('Bearer TOKEN-123')
    const authed2 = await f(`${s.url}/auth-only`, { headers: { cookie: 'sid=COOKIE-456' } })
    expect(authed2.headers.get('x-unperf-cache')).toBe('BYPASS')
    expect(await cache.keys()).toHaveLength(1)
    await f(`${s.url}/auth-only`, { headers: { cookie: 'sid=COOKIE-456' } })
    expect(s.hits.filter(h => h.url === '/auth-only')).toHaveLength(2)
    const bytes = allBytes(dir)
    for (const secret of ['SECRET-COOKIE', 'TOKEN-123', 'COOKIE-456']) expect(bytes).not.toContain(secret)
  })

  it('a request with any other credential (Proxy-Authorization, X-Api-Key, Private-Token, ?token=, ?api_key=) bypasses the cache: another key never gets its response', async () => {
    const s = await server((req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end(`for ${req.headers['x-api-key'] ?? req.headers['private-token'] ?? req.url}`) })
    const { cache, dir } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const asA = await f(`${s.url}/me`, { headers: { 'x-api-key': 'KEY-A' } })
    expect(asA.headers.get('x-unperf-cache')).toBe('BYPASS')
    expect(await (await f(`${s.url}/me`, { headers: { 'x-api-key': 'KEY-B' } })).text()).toBe('for KEY-B')
    for (const headers of [{ 'proxy-authorization': 'Basic UFJPWFk=' }, { 'private-token': 'GL-TOKEN' }, { 'x-auth-token': 'XAT' }] as Record<string, string>[]) {
      expect((await f(`${s.url}/h`, { headers })).headers.get('x-unperf-cache')).toBe('BYPASS')
    }
    for (const query of ['token=QT-1', 'api_key=QK-2', 'access_token=QA-3', 'sig=QS-4', 'X-Amz-Signature=QZ-5']) {
      expect((await f(`${s.url}/q?page=2&${query}`)).headers.get('x-unperf-cache')).toBe('BYPASS')
    }
    // camelCase and run-together names, as OAuth and SDK query strings and custom headers write them
    for (const query of ['accessToken=QC-6', 'refreshToken=QC-7', 'sessionId=QC-8', 'jwt=QC-9', 'authKey=QC-10']) {
      expect((await f(`${s.url}/q?${query}`)).headers.get('x-unperf-cache'), query).toBe('BYPASS')
    }
    expect((await f(`${s.url}/h`, { headers: { 'X-AccessToken': 'HC-11' } })).headers.get('x-unperf-cache')).toBe('BYPASS')
    // the Authorization header's value given as a query parameter, and a password's short names (smtp_pass)
    for (const query of ['authorization=Bearer%20QC-12', 'pass=QC-13', 'smtp_pass=QC-14', 'pw=QC-15']) {
      expect((await f(`${s.url}/q?${query}`)).headers.get('x-unperf-cache'), query).toBe('BYPASS')
    }
    // harmless names are not credentials: keep-alive, accept, ?key-less queries are cached
    expect((await f(`${s.url}/plain?page=2&max_tokens=5&author=me&bypass=1&compass=n`, { headers: { accept: 'text/plain', 'x-request-id': '1' } })).headers.get('x-unperf-cache')).toBe('MISS')
    expect(await cache.keys()).toHaveLength(1)
    const bytes = allBytes(dir)
    for (const secret of ['KEY-A', 'KEY-B', 'UFJPWFk', 'GL-TOKEN', 'XAT', 'QT-1', 'QK-2', 'QA-3', 'QS-4', 'QZ-5', 'QC-6', 'QC-7', 'QC-8', 'QC-9', 'QC-10', 'HC-11', 'QC-12', 'QC-13', 'QC-14', 'QC-15']) expect(bytes).not.toContain(secret)
  })

  it('takes a Request: its URL, method and headers (a credential in them bypasses)', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('from a Request') })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    expect((await f(new Request(`${s.url}/r`))).headers.get('x-unperf-cache')).toBe('MISS')
    const hit = await f(new Request(`${s.url}/r`, { headers: { accept: 'text/plain' } }))
    expect(hit.headers.get('x-unperf-cache')).toBe('HIT')
    expect(await hit.text()).toBe('from a Request')
    expect((await f(new Request(`${s.url}/r`, { headers: { authorization: 'Bearer T' } }))).headers.get('x-unperf-cache')).toBe('BYPASS')
    expect((await f(new Request(`${s.url}/r`, { method: 'POST', body: 'x' }))).headers.get('x-unperf-cache')).toBe('BYPASS')
    expect(s.hits).toHaveLength(3)
  })

  it("fetch(request, { headers }) sends init's headers instead of the Request's, as fetch() does (the Fetch standard replaces them, it does not merge)", async () => {
    const s = await server((req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end(`auth=${req.headers.authorization ?? ''} accept=${req.headers.accept ?? ''}`) })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const asFetch = await (await fetch(new Request(`${s.url}/plain`, { headers: { authorization: 'Bearer T' } }), { headers: { accept: 'text/plain' } })).text()
    expect(asFetch).toBe('auth= accept=text/plain')
    // the token the caller replaced is neither sent nor a reason to bypass: the call is cached as fetch sent it
    const first = await f(new Request(`${s.url}/r`, { headers: { authorization: 'Bearer T' } }), { headers: { accept: 'text/plain' } })
    expect(await first.text()).toBe(asFetch)
    expect(first.headers.get('x-unperf-cache')).toBe('MISS')
    expect((await f(new Request(`${s.url}/r`), { headers: { accept: 'text/plain' } })).headers.get('x-unperf-cache')).toBe('HIT')
    // no init.headers: the Request's own are sent (and its token bypasses the cache)
    const own = await f(new Request(`${s.url}/own`, { headers: { authorization: 'Bearer T' } }), { method: 'GET' })
    expect([own.headers.get('x-unperf-cache'), await own.text()]).toEqual(['BYPASS', 'auth=Bearer T accept=*/*'])
  })

  it("honours integrity (init's or a Request's) as fetch() does: a copy from the cache must match it too, a revalidated one included", async () => {
    const body = 'pinned payload'
    const s = await server((req, res) => {
      if (req.url === '/etag' && req.headers['if-none-match'] === '"e1"') return void res.writeHead(304, { etag: '"e1"', 'cache-control': 'no-cache' }).end()
      res.writeHead(200, req.url === '/etag' ? { etag: '"e1"', 'cache-control': 'no-cache' } : { 'cache-control': 'max-age=600' }).end(body)
    })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const good = `sha256-${createHash('sha256').update(body).digest('base64')}`
    const bad = `sha256-${createHash('sha256').update('another version').digest('base64')}`
    // a Request's integrity is fetch's check, as fetch(request) makes it: nothing stored
    await expect(f(new Request(`${s.url}/req`, { integrity: bad }))).rejects.toThrow('fetch failed')
    await expect(fetch(new Request(`${s.url}/req`, { integrity: bad }))).rejects.toThrow('fetch failed')
    expect(await cache.keys()).toEqual([])
    // a copy stored by a call without it does not answer a call whose integrity it fails
    expect((await f(`${s.url}/stored`)).headers.get('x-unperf-cache')).toBe('MISS')
    await expect(f(`${s.url}/stored`, { integrity: bad })).rejects.toThrow('fetch failed')
    const pinned = await f(`${s.url}/stored`, { integrity: `${bad} ${good}` })
    expect([pinned.headers.get('x-unperf-cache'), await pinned.text()]).toEqual(['HIT', body])
    // a stronger algorithm's token is the one that counts (W3C SRI): a matching sha256 beside a wrong sha512 fails
    await expect(f(`${s.url}/stored`, { integrity: `${good} sha512-${createHash('sha512').update('x').digest('base64')}` })).rejects.toThrow('fetch failed')
    // a 304 (no body) to a call with integrity serves the stored copy, checked against it
    expect((await f(`${s.url}/etag`, { integrity: good })).headers.get('x-unperf-cache')).toBe('MISS')
    const again = await f(`${s.url}/etag`, { integrity: good })
    expect([again.headers.get('x-unperf-cache'), await again.text()]).toEqual(['REVALIDATED', body])
    // the resource changed (a 200 to the revalidation): its body is checked as fetch checks one, in that
    // one request (not downloaded a second time), and fails as fetch fails
    s.setHandler((_req, res) => { res.writeHead(200, { etag: '"e2"', 'cache-control': 'no-cache' }).end('another version') })
    const before = s.hits.length
    const mismatch = await f(`${s.url}/etag`, { integrity: good }).catch((e: unknown) => e)
    const fetchs = await fetch(`${s.url}/etag`, { integrity: good }).catch((e: unknown) => e)
    for (const e of [mismatch, fetchs]) expect([String(e), String((e as Error).cause)]).toEqual(['TypeError: fetch failed', 'Error: integrity mismatch'])
    expect(s.hits.slice(before).map(h => h.headers['if-none-match'] ?? null)).toEqual(['"e1"', null])
    expect(await (await f(`${s.url}/etag`, { integrity: bad })).text()).toBe('another version')
    // a 200 to the revalidation that passes (the stored copy passes too: either token counts): served
    // and stored from that one request
    s.setHandler((req, res) => {
      if (req.headers['if-none-match'] === '"e3"') return void res.writeHead(304, { etag: '"e3"', 'cache-control': 'no-cache' }).end()
      res.writeHead(200, { etag: '"e3"', 'cache-control': 'no-cache' }).end(body)
    })
    const from = s.hits.length
    const passed = await f(`${s.url}/etag`, { integrity: `${good} ${bad}` })
    expect([passed.headers.get('x-unperf-cache'), await passed.text(), passed.url]).toEqual(['MISS', body, `${s.url}/etag`])
    expect((await f(`${s.url}/etag`, { integrity: good })).headers.get('x-unperf-cache')).toBe('REVALIDATED')
    expect(s.hits.slice(from).map(h => h.headers['if-none-match'] ?? null)).toEqual(['"e2"', '"e3"'])
  })

  it('credentials in the URL never reach a key or the disk (Node fetch refuses such URLs; the error is passed on)', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('x') })
    const { cache, dir } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const withCreds = s.url.replace('http://', 'http://user:PASSWORD-789@')
    await f(`${withCreds}/creds`).then(r => r.text(), (e: unknown) => e)
    expect((await cache.keys()).join('\n')).not.toContain('PASSWORD-789')
    expect(allBytes(dir)).not.toContain('PASSWORD-789')
  })

  it('only GET and HEAD are cached, each under its own key (a fresh GET answers a HEAD too, never the reverse); the fragment is not part of the key', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('x') })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect((await f(`${s.url}/m`, { method: 'POST', body: 'a' })).headers.get('x-unperf-cache')).toBe('BYPASS')
    expect((await f(`${s.url}/m`, { method: 'POST', body: 'a' })).headers.get('x-unperf-cache')).toBe('BYPASS')
    expect((await f(`${s.url}/m#a`)).headers.get('x-unperf-cache')).toBe('MISS')
    expect((await f(`${s.url}/m#b`)).headers.get('x-unperf-cache')).toBe('HIT')
    expect((await f(`${s.url}/m`, { method: 'HEAD' })).headers.get('x-unperf-cache')).toBe('HIT')
    const head = await f(`${s.url}/h`, { method: 'HEAD' })
    expect(head.headers.get('x-unperf-cache')).toBe('MISS')
    expect((await f(`${s.url}/h`, { method: 'HEAD' })).headers.get('x-unperf-cache')).toBe('HIT')
    expect((await f(`${s.url}/h`)).headers.get('x-unperf-cache')).toBe('MISS')
    expect(s.hits.map(h => h.method)).toEqual(['POST', 'POST', 'GET', 'HEAD', 'GET'])
  })

  it('serves a stale copy when the network fails or answers 503, within staleIfError, marked STALE', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { etag: '"e"', 'cache-control': 'max-age=0' }); res.end('offline copy') })
    const { cache } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: 3_600_000 })
    await f(`${s.url}/s`)
    s.setHandler((_req, res) => { res.writeHead(503); res.end('down') })
    const on503 = await f(`${s.url}/s`)
    expect(on503.headers.get('x-unperf-cache')).toBe('STALE')
    expect(await on503.text()).toBe('offline copy')
    await s.close()
    const offline = await f(`${s.url}/s`)
    expect(offline.headers.get('x-unperf-cache')).toBe('STALE')
    expect(await offline.text()).toBe('offline copy')
    await expect(f(`${s.url}/never-fetched`)).rejects.toThrow()
  })

  it('without staleIfError, or with must-revalidate (proxy-revalidate counts as it), a network failure is an error, not a stale copy; a no-cache copy is served stale', async () => {
    const directives: Record<string, string> = { '/mr': 'max-age=0, must-revalidate', '/pr': 'max-age=0, proxy-revalidate', '/nc': 'no-cache' }
    const s = await server((req, res) => {
      res.writeHead(200, { etag: '"e"', 'cache-control': directives[req.url!] ?? 'max-age=0' }); res.end('x')
    })
    const none = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    const mr = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: 3_600_000 })
    const plain = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: 3_600_000 })
    await none(`${s.url}/plain`)
    await mr(`${s.url}/mr`)
    await mr(`${s.url}/pr`)
    await plain(`${s.url}/plain`)
    await plain(`${s.url}/nc`)
    await s.close()
    await expect(none(`${s.url}/plain`)).rejects.toThrow()
    await expect(mr(`${s.url}/mr`)).rejects.toThrow()
    await expect(mr(`${s.url}/pr`)).rejects.toThrow()
    // the same copy without either directive is served stale, and so is a no-cache one (the window is the CLI's consent to stale data offline)
    expect((await plain(`${s.url}/plain`)).headers.get('x-unperf-cache')).toBe('STALE')
    expect((await plain(`${s.url}/nc`)).headers.get('x-unperf-cache')).toBe('STALE')
  })

  it("a caller's abort is never answered from the stale copy", async () => {
    const s = await server((_req, res) => { res.writeHead(200, { etag: '"e"', 'cache-control': 'max-age=0' }); res.end('x') })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: 3_600_000 })
    await f(`${s.url}/a`)
    s.setHandler(() => { /* never answers */ })
    const ac = new AbortController()
    const p = f(`${s.url}/a`, { signal: ac.signal })
    setTimeout(() => ac.abort(), 50)
    await expect(p).rejects.toThrow(/abort/i)
  })

  it('Vary: a different Accept-Language is fetched anew; Vary: * is never stored', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600', vary: req.url === '/star' ? '*' : 'Accept-Language' }); res.end(String(req.headers['accept-language']))
    })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect(await (await f(`${s.url}/v`, { headers: { 'accept-language': 'en' } })).text()).toBe('en')
    expect((await f(`${s.url}/v`, { headers: { 'accept-language': 'en' } })).headers.get('x-unperf-cache')).toBe('HIT')
    const fr = await f(`${s.url}/v`, { headers: { 'accept-language': 'fr' } })
    expect(fr.headers.get('x-unperf-cache')).toBe('MISS')
    expect(await fr.text()).toBe('fr')
    await f(`${s.url}/star`)
    expect((await f(`${s.url}/star`)).headers.get('x-unperf-cache')).toBe('MISS')
  })

  it("request directives: no-store bypasses, no-cache revalidates, 'reload' refetches, 'only-if-cached' answers 504 on a miss", async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('x') })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: false })
    expect((await f(`${s.url}/d`, { cache: 'only-if-cached' } as RequestInit)).status).toBe(504)
    expect(s.hits).toHaveLength(0)
    await f(`${s.url}/d`)
    expect((await f(`${s.url}/d`, { headers: { 'cache-control': 'no-store' } })).headers.get('x-unperf-cache')).toBe('BYPASS')
    expect((await f(`${s.url}/d`, { headers: { 'cache-control': 'no-cache' } })).headers.get('x-unperf-cache')).toBe('MISS')
    expect((await f(`${s.url}/d`, { cache: 'reload' } as RequestInit)).headers.get('x-unperf-cache')).toBe('MISS')
    expect((await f(`${s.url}/d`, { cache: 'only-if-cached' } as RequestInit)).headers.get('x-unperf-cache')).toBe('HIT')
    expect(s.hits).toHaveLength(4)
  })

  it('perf.cache.fetch (the namespace method) uses the same cache, with files 0600 on disk', async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }); res.end('ns') })
    const { cache, dir } = realCache()
    expect((await cache.fetch(`${s.url}/ns`)).headers.get('x-unperf-cache')).toBe('MISS')
    expect((await cache.fetch(`${s.url}/ns`)).headers.get('x-unperf-cache')).toBe('HIT')
    const files = filesUnder(dir).filter(f => !f.endsWith('.json'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(statSync(file).mode & 0o077).toBe(0)
  })
})
