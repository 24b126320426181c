/**
 * An AbortSignal on a call through the cache does what it does on fetch: aborted before the call, the
 * call rejects with its reason even when a fresh copy is stored (a CLI cancelling its work on Ctrl-C
 * must not go on with a cached answer), and a copy is never served in place of an aborted request;
 * a timeout (AbortSignal.timeout) is the origin failing to answer, and a stale copy answers it.
 */
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

describe('cached fetch: abort', () => {
  it("an already aborted signal rejects as fetch's does, a fresh copy stored or not, a Request's signal included", async () => {
    const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=600' }).end('fresh') })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: 600_000 })
    expect((await f(`${s.url}/a`)).headers.get('x-unperf-cache')).toBe('MISS')
    const plain = await fetch(`${s.url}/a`, { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect((plain as Error).name).toBe('AbortError')
    const hits = s.hits.length
    for (const call of [
      () => f(`${s.url}/a`, { signal: AbortSignal.abort() }),
      () => f(new Request(`${s.url}/a`, { signal: AbortSignal.abort() })),
      () => f(`${s.url}/a`, { signal: AbortSignal.abort(new Error('cancelled by the user')) }),
      () => f(`${s.url}/never-stored`, { signal: AbortSignal.abort() }),
    ]) {
      const error = await call().then(r => r.headers.get('x-unperf-cache'), (e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).name === 'AbortError' || (error as Error).message === 'cancelled by the user').toBe(true)
    }
    expect(s.hits).toHaveLength(hits)
    // not aborted: the copy as before
    expect((await f(`${s.url}/a`, { signal: new AbortController().signal })).headers.get('x-unperf-cache')).toBe('HIT')
  })

  it('a hanging origin cut by AbortSignal.timeout is a network failure: the stale copy within staleIfError answers it; a timeout combined with a cancel that fired first does not', async () => {
    let hang = false
    const s = await server((_req, res) => { if (!hang) res.writeHead(200, { 'cache-control': 'max-age=0' }).end('stored') })
    const f = createCachedFetch(realCache().cache, { ttl: 600_000, staleIfError: 600_000 })
    expect(await (await f(`${s.url}/t`)).text()).toBe('stored')
    hang = true
    const timedOut = await f(`${s.url}/t`, { signal: AbortSignal.timeout(150) })
    expect([timedOut.headers.get('x-unperf-cache'), await timedOut.text()]).toEqual(['STALE', 'stored'])
    // the caller's cancel, the timeout still pending: the call rejects
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const cancelled = await f(`${s.url}/t`, { signal: AbortSignal.any([ac.signal, AbortSignal.timeout(10_000)]) }).catch((e: unknown) => e)
    expect((cancelled as Error).name).toBe('AbortError')
    // nothing stored: the timeout is fetch's own TimeoutError
    const none = await f(`${s.url}/none`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e)
    expect((none as Error).name).toBe('TimeoutError')
  })
})
