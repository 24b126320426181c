/**
 * The Responses perf.cache.fetch() (fetch.ts) gives: a stored copy made into one, or the network's
 * marked with its cache state; either as fetch's own (url, redirected, type, immutable headers).
 */
import type { Meta } from './fetch-freshness.js'

export type CacheState = 'HIT' | 'MISS' | 'REVALIDATED' | 'STALE' | 'BYPASS'
export const CACHE_STATE_HEADER = 'x-unperf-cache'
export const NULL_BODY = new Set([101, 204, 205, 304])

/**
 * A fetch Response's headers are immutable (`set()`, `append()`, `delete()` throw `TypeError: immutable`);
 * a constructed Response's are not: a caller that changed a cached response's headers would not be
 * told, where the same code on fetch's own throws.
 */
class ImmutableHeaders extends Headers {}
const immutable = (): never => { throw new TypeError('immutable') }
for (const method of ['set', 'append', 'delete']) Object.defineProperty(ImmutableHeaders.prototype, method, { value: immutable })

/**
 * `storedAt`: a copy served from the store, whose `Age` is told; `setCookie`: the `Set-Cookie` of the
 * network's answer on this call (MISS, REVALIDATED), never stored but the caller's, as fetch gives it.
 */
export interface Served { storedAt?: number; setCookie?: string[] }

/**
 * `requested`: the URL asked for; a copy fetched from another (after redirects) is `redirected`, as
 * fetch's own response. A GET's stored body is the decoded one: its length is the Content-Length
 * (the wire's is not stored), so a progress bar can size it (a HEAD's copy has no body to measure).
 */
export function toResponse(body: Buffer, meta: Meta, state: CacheState, requested: string, method: string, { storedAt, setCookie = [] }: Served = {}): Response {
  const headers = new Headers(meta.headers)
  headers.set(CACHE_STATE_HEADER, state)
  for (const cookie of setCookie) headers.append('set-cookie', cookie)
  // RFC 9111 §5.1, §4.2.3: a response served from the store (not validated for this request) says its
  // age: the Age it came with plus the time it has been stored (since it was stored or last revalidated)
  if (storedAt !== undefined) headers.set('age', String(currentAge(headers.get('age'), storedAt)))
  if (method === 'GET' && !NULL_BODY.has(meta.status)) headers.set('content-length', String(body.length))
  const res = new Response(NULL_BODY.has(meta.status) ? null : body, { status: meta.status, statusText: meta.statusText, headers })
  return asFetched(res, meta.url, meta.url !== requested)
}

/**
 * A Response made here, as fetch's own: its `url`, `redirected` and `type` (fetch's, 'basic' for a copy), on its
 * clones too (a Response's clone() reads them from internal state, which a constructed Response
 * has empty: a library cloning the response, as ky does, saw url '').
 */
export function asFetched(res: Response, url: string, redirected: boolean, type: Response['type'] = 'basic'): Response {
  const clone = Response.prototype.clone
  return Object.defineProperties(res, {
    url: { value: url }, redirected: { value: redirected }, type: { value: type }, headers: { value: new ImmutableHeaders(res.headers) },
    clone: { value: () => asFetched(clone.call(res), url, redirected, type) },
  })
}

/** Seconds, a whole number (RFC 9111 §5.1: a non-negative integer; a bad stored Age counts as 0). */
function currentAge(initial: string | null, storedAt: number): number {
  const received = /^\d+$/.test(initial ?? '') ? Number(initial) : 0
  return received + Math.max(0, Math.floor((Date.now() - storedAt) / 1000))
}

/**
 * fetch's Response (undici) cancels its body stream once the Response is garbage collected with the
 * body unread (its FinalizationRegistry, so an unread answer frees its connection). The answer
 * given back wraps that stream: without the original kept alive by it, a GC between the call and
 * the caller's read (awaiting another call first) left `Body is unusable: Body has already been
 * read`. Kept for as long as the answer is.
 */
const origins = new WeakMap<Response, Response>()

export function mark(response: Response, state: CacheState): Response {
  const headers = new Headers(response.headers)
  headers.set(CACHE_STATE_HEADER, state)
  const res = new Response(NULL_BODY.has(response.status) ? null : response.body, { status: response.status, statusText: response.statusText, headers })
  origins.set(res, response)
  return asFetched(res, response.url, response.redirected, response.type)
}


/**
 * The answer of `only-if-cached` with nothing stored (RFC 9111 §5.2.1.7): a 504 Gateway Timeout, with
 * no body, the URL asked for and immutable headers as fetch's own responses, and its cache state.
 */
export function gatewayTimeout(url: string, state: CacheState): Response {
  return asFetched(new Response(null, { status: 504, statusText: 'Gateway Timeout', headers: { [CACHE_STATE_HEADER]: state } }), url, false)
}
