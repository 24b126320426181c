/**
 * An HTTP cache over global fetch (a private, per-user cache in the sense of RFC 9111), built only
 * on the public cache API: one entry per method + URL, whose value is the body (a Buffer) and whose
 * metadata holds status, headers, freshness and validators.
 *
 * - Stored: GET/HEAD responses with a cacheable status (200 203 204 300 301 308 404 410), unless
 *   the response says `no-store` or `private`… (`private` is allowed in a private cache, but a CLI
 *   cache dir may be shared by users or CI jobs, so it is not stored), or `Vary: *`; the variants of
 *   a `Vary` response are kept side by side (fetch-vary.ts). A HEAD with no copy of its own is
 *   answered from a fresh stored GET (its headers, the wire's Content-Length: Meta.wire).
 * - Fresh for `max-age` (minus `Age`), else `Expires - Date`, else the namespace `ttl`; `no-cache`
 *   or `max-age=0` means "store, but revalidate every time". Revalidation sends If-None-Match /
 *   If-Modified-Since; a 304 serves the stored body with the 304's headers merged and a new expiry.
 * - When the network fails (or answers 500/502/503/504), a stored copy is served up to
 *   `staleIfError` (or the response's `stale-if-error=N`) past its freshness, never with
 *   `must-revalidate`. An aborted request (the caller's signal) is never answered from the cache, a
 *   timed-out one (AbortSignal.timeout) is, as the network failure it is.
 * - Requests carrying credentials bypass the cache: not read from, not stored (a token-bearing
 *   response must not be served to a request without it or with another token). Credentials are
 *   Authorization, Proxy-Authorization, Cookie, a header named like one (`X-Api-Key`,
 *   `Private-Token`, `X-Auth-Token`, ...), user info in the URL, or a query parameter named like
 *   one (`?token=`, `?api_key=`, `?access_token=`, `?sig=`, ...): none reaches a key or a file.
 *   Set-Cookie, Authorization, Cookie and Proxy-Authorization headers are never stored (a MISS or
 *   REVALIDATED still gives the caller the network's Set-Cookie, as fetch does), nor are hop-by-hop
 *   ones (fetch-stored-headers.ts).
 * - Request `Cache-Control: no-store` / `init.cache: 'no-store'` bypass; `no-cache` / 'no-cache'
 *   revalidate; 'reload' fetches anew and stores; 'force-cache' serves any stored copy;
 *   'only-if-cached' (or the request's `only-if-cached`) serves a stored copy or a 504 Gateway Timeout.
 *   The request's `max-age`, `min-fresh` and `max-stale[=N]` narrow or widen which copy is used
 *   (RFC 9111 §5.2.1); a stale one it takes is `STALE`.
 * - A 2xx/3xx answer to an unsafe method (POST, PUT, PATCH, DELETE, ...) removes the stored GET and
 *   HEAD of its URL (RFC 9111 §4.4).
 * - Concurrent calls for one key share one request in a process (fetch-flights.ts), and across
 *   processes over a Redis tier (fetch-gate.ts).
 * - Every response carries `x-unperf-cache: HIT | MISS | REVALIDATED | STALE | BYPASS` (BYPASS all along
 *   with the cache off); a copy from the store (HIT, STALE) its `Age`; headers immutable, as fetch's.
 */
import type { StoredEntry } from '../../drivers/types.js'
import type { PerfCache } from '../types.js'
import type { Lookup } from './wrap.js'
import { acceptable, entryTtl, FOREVER, freshness, type Meta, type Options, parseCacheControl, seconds } from './fetch-freshness.js'
import { CACHE_STATE_HEADER, type CacheState, gatewayTimeout, mark, toResponse } from './fetch-response.js'
import { checkedAnswer, matchesIntegrity } from './fetch-integrity.js'
import { invalidating, keyOf, urlKey } from './fetch-key.js'
import { joinFlight } from './fetch-flights.js'
import { networkTurn } from './fetch-gate.js'
import { newVariantsId, variantKey, varyMatches, varyOf } from './fetch-vary.js'
import { storedHeaders, wireHeaders } from './fetch-stored-headers.js'
import { countedByGetEntry, type FetchCounts } from './fetch-counts.js'

const CACHEABLE_STATUS = new Set([200, 203, 204, 300, 301, 308, 404, 410])
const STALE_ON_STATUS = new Set([500, 502, 503, 504])
export { CACHE_STATE_HEADER, type CacheState, type FetchCounts }

/** The Fetch standard's `init.cache` modes (Node's RequestInit type omits the field). */
type CacheMode = 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached'

function isMeta(m: unknown): m is Meta {
  const x = m as Meta | undefined
  return !!x && x.http === 1 && typeof x.status === 'number' && Array.isArray(x.headers) && typeof x.vary === 'object'
}

/** A redirect fetch did not follow (`redirect: 'manual'`): never stored, so a later call that follows redirects never gets it. */
function isRedirect(status: number, location: string | null | undefined): boolean {
  return status >= 300 && status < 400 && location != null
}

/**
 * Whether a stored copy answers a request with this `redirect` mode: one that follows redirects
 * takes any copy but a redirect (stored by earlier builds); `'manual'` and `'error'` only a copy
 * fetched from the URL itself, not one reached through a redirect they would not have followed.
 */
function answersRedirectMode(meta: Meta, requested: string, redirect: RequestInit['redirect']): boolean {
  if (redirect === undefined || redirect === 'follow') return !isRedirect(meta.status, meta.headers.find(([n]) => n === 'location')?.[1])
  return meta.url === requested
}

/** Request headers that make a request the caller's own conditional one. */
const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since', 'if-unmodified-since', 'if-match', 'if-range']

export function createCachedFetch(cache: PerfCache, options: Options, counts = countedByGetEntry(cache)): (url: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const globalStale = options.staleIfError === false ? 0 : Math.min(options.staleIfError, FOREVER)
  // the cache off (UNPERF_CACHE=0, cache.enabled: false): nothing is looked up or stored, so nothing was missed
  const missed: CacheState = options.enabled === false ? 'BYPASS' : 'MISS'

  return async function cachedFetch(resource: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    // a Request: its URL, method and headers, each replaced by init's when given, as fetch(request, init)
    // builds its request (the Fetch standard: init.headers replaces the Request's, it is not merged in)
    const request = typeof Request === 'function' && resource instanceof Request ? resource : undefined
    const input = request ? request.url : resource as string | URL
    if (request) {
      if (request.body !== null) return mark(await invalidating(cache, request.url, init.method ?? request.method, await fetch(request, init)), 'BYPASS')
      const headers = new Headers(init.headers ?? request.headers)
      // `cache` is a RequestInit member in the DOM types, not in Node's: read through the same cast as below
      const fromRequest: RequestInit & { cache?: unknown } = { method: request.method, signal: request.signal, redirect: request.redirect, cache: (request as { cache?: unknown }).cache }
      // what else fetch(request) would honour: its integrity check above all (a pinned download's hash)
      if (request.integrity !== '') fromRequest.integrity = request.integrity
      if (request.keepalive) fromRequest.keepalive = true
      if (request.referrerPolicy !== '') fromRequest.referrerPolicy = request.referrerPolicy
      if (request.referrer !== 'about:client') fromRequest.referrer = request.referrer
      init = { ...fromRequest, ...init, headers }
    }
    const method = (init.method ?? 'GET').toUpperCase()
    const reqHeaders = new Headers(init.headers)
    const reqCc = parseCacheControl(reqHeaders.get('cache-control'))
    const { cache: cacheMode, ...rest } = init as RequestInit & { cache?: CacheMode }
    // the Fetch standard: a request with its own conditional headers is the caller's revalidation
    // (it wants the origin's 304 or 412, not the stored 200): 'default' becomes 'no-store'; so does
    // one with a Range (a resumed download appends what it gets: the stored whole 200 would corrupt it)
    const conditional = CONDITIONAL_HEADERS.some(name => reqHeaders.has(name)) || reqHeaders.has('range')
    // Pragma: no-cache is the request's no-cache when it has no Cache-Control (RFC 9111 §5.4)
    const noCache = reqCc.has('no-cache') || (!reqHeaders.has('cache-control') && /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(reqHeaders.get('pragma') ?? ''))
    const asked: CacheMode = cacheMode ?? (reqCc.has('no-store') ? 'no-store' : noCache ? 'no-cache' : reqCc.has('only-if-cached') ? 'only-if-cached' : 'default')
    const mode: CacheMode = asked === 'default' && conditional ? 'no-store' : asked
    const netInit: RequestInit = { ...rest, headers: reqHeaders }
    const target = (method === 'GET' || method === 'HEAD') && mode !== 'no-store' ? keyOf(method, input, reqHeaders) : undefined
    if (!target) return mark(await invalidating(cache, input, method, await fetch(input, netInit)), 'BYPASS')

    // a call that may take a stored copy waits for another process's answer once, before its request
    let gated = options.enabled !== false && (mode === 'default' || mode === 'force-cache')
    let release: (() => Promise<void>) | undefined
    let found: Lookup | null = null
    // `confirmed`: the copy was stored or revalidated while this call waited (by the call of its process,
    // or the process, it waited for): the origin's answer to that request is this call's, no-cache or not
    // a copy that fails the call's integrity check is no copy: the network's answer is checked by fetch
    const usable = async (entry: StoredEntry | null) => entry && isMeta(entry.metadata) && Buffer.isBuffer(entry.value) && varyMatches(entry.metadata.vary, reqHeaders)
      && answersRedirectMode(entry.metadata, target.url, init.redirect)
      && (!init.integrity || await matchesIntegrity(entry.value, init.integrity))
      ? { body: entry.value, meta: entry.metadata, createdAt: entry.createdAt } : undefined
    const answer = async (entry: StoredEntry | null, at: { key: string; variants: string | undefined }, confirmed = false): Promise<Response> => {
      const stored = await usable(entry)
      const now = Date.now()
      let revalidating = false
      // a HEAD with no copy of its own: a fresh stored GET of the URL answers it, its headers those the
      // GET came with (RFC 9110 §9.3.2), its Content-Length and Content-Encoding the wire's (Meta.wire)
      if (!stored && method === 'HEAD' && mode !== 'reload' && mode !== 'no-cache' && !init.integrity) {
        const getKey = urlKey('GET', target.url)
        const get = await counts.lookup(getKey)
        const copy = get && !get.stale ? await usable(get.entry) : undefined
        if (copy?.meta.wire && acceptable(copy.meta, copy.createdAt, reqCc, now) === 'HIT') {
          found = get
          at.key = getKey
          return toResponse(Buffer.alloc(0), { ...copy.meta, headers: [...copy.meta.headers, ...copy.meta.wire] }, 'HIT', target.url, method, { storedAt: copy.createdAt })
        }
      }
      if (stored) {
        // the request's max-age, min-fresh and max-stale (RFC 9111 §5.2.1): fetch-freshness.ts
        const use = acceptable(stored.meta, stored.createdAt, reqCc, now)
        if (use !== undefined && mode !== 'no-cache') return toResponse(stored.body, stored.meta, use, target.url, method, { storedAt: stored.createdAt })
        if (mode === 'force-cache' || mode === 'only-if-cached' || confirmed) return toResponse(stored.body, stored.meta, 'HIT', target.url, method, { storedAt: stored.createdAt })
      } else if (mode === 'only-if-cached') {
        return gatewayTimeout(target.url, missed)
      }
      // another process fetching this key (a Redis tier): the copy it stores answers this call (fetch-gate.ts)
      const tiers = gated ? await counts.tiers?.() : undefined
      gated = false
      const turn = tiers && await networkTurn(tiers, at.key, counts.lookup, entry ?? undefined, init.signal)
      if (turn) release = turn.release
      if (turn?.found) return answer((found = turn.found).entry, at, !turn.release)
      if (stored) {
        const etag = stored.meta.headers.find(([n]) => n === 'etag')?.[1]
        const lastModified = stored.meta.headers.find(([n]) => n === 'last-modified')?.[1]
        if (etag && !reqHeaders.has('if-none-match')) { reqHeaders.set('if-none-match', etag); revalidating = true }
        if (lastModified && !reqHeaders.has('if-modified-since')) { reqHeaders.set('if-modified-since', lastModified); revalidating = true }
      }

      // a timeout (AbortSignal.timeout's TimeoutError) is the origin too slow, a failure like a refused
      // connection; any other abort is the caller giving up the call, which no copy answers
      const callerAborted = (): boolean => init.signal?.aborted === true && (init.signal.reason as { name?: unknown } | undefined)?.name !== 'TimeoutError'
      // the stale-if-error window runs from the end of freshness, or from the storing of a copy stale
      // already (its Age over its max-age, an Expires in the past): such a copy keeps its whole window
      const staleOk = (): boolean => !callerAborted() && !!stored && !stored.meta.mustRevalidate
        && (stored.meta.freshUntil === null || Date.now() <= Math.max(stored.meta.freshUntil, stored.createdAt) + stored.meta.staleIfError)

      // a 304 has no body to pass fetch's integrity check: the revalidation goes without it (the stored
      // copy passed it above), and any other answer is checked here as fetch would have (fetch-integrity.ts)
      const { integrity, ...unchecked } = netInit
      const recheck = integrity && revalidating
      let response: Response
      try {
        response = await fetch(input, recheck ? unchecked : netInit)
        if (recheck && response.status !== 304 && !(STALE_ON_STATUS.has(response.status) && staleOk())) response = await checkedAnswer(response, integrity)
      } catch (error) {
        if (staleOk()) return toResponse(stored!.body, stored!.meta, 'STALE', target.url, method, { storedAt: stored!.createdAt })
        throw error
      }
      if (STALE_ON_STATUS.has(response.status) && staleOk()) {
        await response.body?.cancel().catch(() => {})
        return toResponse(stored!.body, stored!.meta, 'STALE', target.url, method, { storedAt: stored!.createdAt })
      }

      if (response.status === 304 && stored) {
        // the stored headers updated with the 304's (never its Content-Length: RFC 9111 §3.2), and the
        // expiry computed from them: an Expires or max-age the 304 leaves out is the stored one's (an
        // Age is the 304's own)
        const merged = new Headers(stored.meta.headers)
        merged.delete('age')
        for (const [name, value] of storedHeaders(response.headers)) merged.set(name, value)
        const cc = parseCacheControl(merged.get('cache-control'))
        const meta: Meta = { ...stored.meta, headers: storedHeaders(merged, method), freshUntil: freshness(merged, cc, options.ttl, Date.now()) }
        await cache.set(at.key, stored.body, { ttl: entryTtl(meta, options, Date.now()), metadata: meta as unknown as Record<string, unknown> })
        return toResponse(stored.body, meta, 'REVALIDATED', target.url, method, { setCookie: response.headers.getSetCookie() })
      }

      const cc = parseCacheControl(response.headers.get('cache-control'))
      const vary = varyOf(response, reqHeaders)
      if (!CACHEABLE_STATUS.has(response.status) || cc.has('no-store') || cc.has('private') || !vary || isRedirect(response.status, response.headers.get('location'))) {
        return mark(response, missed)
      }
      let body: Buffer
      try {
        body = Buffer.from(await response.arrayBuffer())
      } catch (error) {
        // the connection dropped mid-body ('terminated'): a network error as much as a refused one
        if (staleOk()) return toResponse(stored!.body, stored!.meta, 'STALE', target.url, method, { storedAt: stored!.createdAt })
        throw error
      }
      const t = Date.now()
      const staleDirective = seconds(cc, 'stale-if-error')
      const meta: Meta = {
        http: 1,
        status: response.status,
        statusText: response.statusText,
        headers: storedHeaders(response.headers, method),
        ...(method === 'GET' && { wire: wireHeaders(response.headers) }),
        freshUntil: freshness(response.headers, cc, options.ttl, t),
        staleIfError: Math.max(globalStale, Math.min(staleDirective ?? 0, FOREVER)),
        mustRevalidate: cc.has('must-revalidate') || cc.has('proxy-revalidate'),
        vary,
        url: response.url || target.url,
      }
      // the copy at the URL's key names its variants' keys (fetch-vary.ts): its id is kept while it is replaced
      if (at.key === target.key && Object.keys(vary).length > 0) meta.variants = at.variants ?? await newVariantsId()
      const ttl = entryTtl(meta, options, t)
      if (ttl === false || ttl > 0) await cache.set(at.key, body, { ttl, metadata: meta as unknown as Record<string, unknown> })
      return toResponse(body, meta, missed, target.url, method, { setCookie: response.headers.getSetCookie() })
    }

    const at = { key: target.key, variants: undefined as string | undefined }
    const locate = async (): Promise<Lookup | null> => {
      at.key = target.key
      const found = await counts.lookup(target.key)
      // another variant at the URL's key (Vary): this request's is beside it (fetch-vary.ts)
      const there = found && !found.stale && isMeta(found.entry.metadata) ? found.entry.metadata : undefined
      at.variants = there?.variants
      if (there?.variants === undefined || varyMatches(there.vary, reqHeaders)) return found
      at.key = await variantKey(target.key, { vary: there.vary, variants: there.variants }, reqHeaders)
      return counts.lookup(at.key)
    }
    let landed = (_confirmed: boolean): void => {}
    let confirmed = false
    try {
      found = await locate()
      // a call that may take a stored copy waits for one under way for its key, and finds what it stored (fetch-flights.ts)
      if (options.enabled !== false) {
        const flight = await joinFlight(cache, target.key, mode === 'default' || mode === 'force-cache' || mode === 'only-if-cached', init.signal)
        landed = flight.landed
        if (flight.waited) {
          const had = { key: at.key, createdAt: found?.entry.createdAt }
          found = await locate()
          // another copy than the one there before the wait: the one the call it waited for stored or revalidated
          confirmed = flight.confirmed && found !== null && !found.stale && at.key === had.key && found.entry.createdAt !== had.createdAt
        }
      }
      if (mode === 'reload') found = null
      // fetch rejects with an aborted signal's reason whatever it would answer: a copy is no exception
      init.signal?.throwIfAborted()
    } catch (error) {
      landed(false)
      throw error
    }
    // looked up uncounted, then counted once as the response turned out (its x-unperf-cache): a stale
    // copy served (stale-if-error, max-stale) is stale, a copy the origin confirmed (304) a hit, a copy
    // replaced by a new body or a request that failed a miss (with the cache off, BYPASS: not counted)
    let state: CacheState = 'MISS'
    let answered = false
    try {
      const response = await answer(found !== null && !found.stale ? found.entry : null, at, confirmed)
      state = response.headers.get(CACHE_STATE_HEADER) as CacheState
      answered = true
      return response
    } finally {
      await release?.()
      // the calls waiting for this one take the copy it leaves as their answer, unless it served a stale one
      landed(answered && state !== 'STALE')
      if (found === null || state === 'MISS') { if (state !== 'BYPASS') counts.miss(at.key) }
      else if (state === 'HIT') counts.hit(at.key, found)
      else if (state === 'REVALIDATED') counts.revalidated(at.key, found)
      else if (state === 'STALE') counts.stale(at.key, found)
    }
  }
}
