/**
 * An HTTP cache over global fetch, built on the public cache API: GET/HEAD responses with status
 * 200/203/300/301/404/410 are stored (body + status + headers) and revalidated with
 * If-None-Match / If-Modified-Since; `Cache-Control: max-age` sets the lifetime, `no-store` and
 * `private` are never stored, `no-cache` always revalidates. When the network fails, a stale copy
 * is served within `staleIfError`. Requests carrying Authorization or Cookie bypass the cache, and
 * Set-Cookie / Authorization / Cookie headers are never stored; URL credentials never reach a key.
 * Every response carries `x-unperf-cache: HIT | MISS | REVALIDATED | STALE | BYPASS`.
 */
import type { PerfCache } from '../types.js'

const CACHEABLE_STATUS = new Set([200, 203, 300, 301, 404, 410])
const NEVER_STORED = new Set(['set-cookie', 'authorization', 'cookie', 'proxy-authorization'])

interface StoredResponse {
  status: number
  statusText: string
  headers: [string, string][]
  body: string // base64
  storedAt: number
  maxAgeMs: number | undefined
  noCache: boolean
}

export function createCachedFetch(cache: PerfCache, options: { ttl: number | false; staleIfError: number | false }) {
  return async function cachedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = new Headers(init.headers)
    const url = new URL(String(input))
    const hasCredentials = headers.has('authorization') || headers.has('cookie') || url.username !== '' || url.password !== ''
    if ((method !== 'GET' && method !== 'HEAD') || hasCredentials || headers.get('cache-control')?.includes('no-store')) {
      return mark(await fetch(input, init), 'BYPASS')
    }
    url.username = ''
    url.password = ''
    url.hash = ''
    const key = `fetch:${method}:${url.href}`
    const entry = await cache.getEntry<StoredResponse>(key)
    const stored = entry?.value
    const fresh = stored && !stored.noCache && (stored.maxAgeMs === undefined || Date.now() - stored.storedAt < stored.maxAgeMs)
    if (stored && fresh) return mark(toResponse(stored), 'HIT')
    // revalidate (or first fetch)
    if (stored) {
      const etag = header(stored, 'etag')
      const lastModified = header(stored, 'last-modified')
      if (etag) headers.set('if-none-match', etag)
      if (lastModified) headers.set('if-modified-since', lastModified)
    }
    let response: Response
    try {
      response = await fetch(input, { ...init, headers })
    } catch (error) {
      const stale = await staleCopy(cache, key, options.staleIfError)
      if (stale) return mark(toResponse(stale), 'STALE')
      throw error
    }
    if (response.status === 304 && stored) {
      const refreshed = { ...stored, storedAt: Date.now(), maxAgeMs: maxAge(response.headers) ?? stored.maxAgeMs }
      await cache.set(key, refreshed, { ttl: ttlFor(refreshed, options) })
      return mark(toResponse(refreshed), 'REVALIDATED')
    }
    if (response.status >= 500) {
      const stale = await staleCopy(cache, key, options.staleIfError)
      if (stale) return mark(toResponse(stale), 'STALE')
    }
    const cc = response.headers.get('cache-control') ?? ''
    if (!CACHEABLE_STATUS.has(response.status) || /\b(no-store|private)\b/i.test(cc)) return mark(response, 'MISS')
    const body = Buffer.from(await response.arrayBuffer())
    const record: StoredResponse = {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers].filter(([name]) => !NEVER_STORED.has(name.toLowerCase())),
      body: body.toString('base64'),
      storedAt: Date.now(),
      maxAgeMs: maxAge(response.headers),
      noCache: /\bno-cache\b/i.test(cc),
    }
    await cache.set(key, record, { ttl: ttlFor(record, options) })
    // keep a copy for stale-if-error beyond the freshness lifetime
    if (options.staleIfError !== false) await cache.set(`${key}#stale`, record, { ttl: ttlFor(record, options, options.staleIfError) })
    return mark(toResponse(record), 'MISS')
  }
}

function header(stored: StoredResponse, name: string): string | undefined {
  return stored.headers.find(([n]) => n.toLowerCase() === name)?.[1]
}

function maxAge(headers: Headers): number | undefined {
  const m = /\b(?:s-)?max-age=(\d+)/i.exec(headers.get('cache-control') ?? '')
  return m ? Number(m[1]) * 1000 : undefined
}

function ttlFor(record: StoredResponse, options: { ttl: number | false }, extra: number | false = false): number | false {
  const base = record.maxAgeMs ?? (options.ttl === false ? undefined : options.ttl)
  if (base === undefined) return false
  const withExtra = extra === false ? base : base + (Number.isFinite(extra) ? extra : 10 * 365 * 86_400_000)
  // even max-age=0 responses are kept (for revalidation): at least a minute
  return Math.max(60_000, withExtra)
}

async function staleCopy(cache: PerfCache, key: string, staleIfError: number | false): Promise<StoredResponse | undefined> {
  if (staleIfError === false) return undefined
  return (await cache.get<StoredResponse>(`${key}#stale`)) ?? (await cache.get<StoredResponse>(key)) ?? undefined
}

function toResponse(stored: StoredResponse): Response {
  const body = [101, 204, 205, 304].includes(stored.status) ? null : Buffer.from(stored.body, 'base64')
  return new Response(body, { status: stored.status, statusText: stored.statusText, headers: stored.headers })
}

function mark(response: Response, state: string): Response {
  try {
    response.headers.set('x-unperf-cache', state)
    return response
  } catch {
    // immutable headers (a network response): copy
    const headers = new Headers(response.headers)
    headers.set('x-unperf-cache', state)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
