/**
 * The freshness side of perf.cache.fetch() (fetch.ts): what a stored copy's metadata holds, the
 * Cache-Control directives, when a response stops being fresh and how long its entry is kept.
 */

/** Entries that are fresh for 0 s but carry validators are kept this long when no ttl applies. */
const KEEP_FOR_REVALIDATION = 86_400_000
/** An unlimited window is stored as ten years (metadata is JSON: no Infinity). */
export const FOREVER = 10 * 365 * 86_400_000

export interface Meta {
  http: 1
  status: number
  statusText: string
  headers: [string, string][]
  /**
   * A GET's Content-Length and Content-Encoding as it came (those of the wire, not of the stored
   * decoded body; none: it had neither): a HEAD answered from this copy says them, as the server's
   * HEAD would. Absent (a HEAD's copy, a GET stored by an earlier build): no HEAD is answered from it.
   */
  wire?: [string, string][]
  /** ms since epoch; null = fresh forever */
  freshUntil: number | null
  /** how long past freshUntil a copy may be served when the origin fails (ms) */
  staleIfError: number
  mustRevalidate: boolean
  /** request header values the response varies on */
  vary: Record<string, string | null>
  url: string
  /** the copy at a URL's key, varying: the id its variants' keys are named by (fetch-vary.ts) */
  variants?: string
}

/** `enabled: false`: the cache is off (its responses are `BYPASS`, never `MISS`). */
export interface Options { ttl: number | false; staleIfError: number | false; enabled?: boolean }

export type Directives = Map<string, string | true>

export function parseCacheControl(value: string | null): Directives {
  const out: Directives = new Map()
  if (!value) return out
  for (const part of value.split(',')) {
    const [name, ...rest] = part.trim().split('=')
    if (!name) continue
    const v = rest.join('=').trim().replace(/^"|"$/g, '')
    // a directive given twice: its first value (RFC 9111 §4.2.1), never a later one that lengthens it
    if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), rest.length > 0 ? v : true)
  }
  return out
}

export function seconds(d: Directives, name: string): number | undefined {
  const v = d.get(name)
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return undefined
  return Number(v) * 1000
}

/** When a response with these headers stops being fresh (a 304's: the stored headers with the 304's merged in, RFC 9111 §4.3.4). */
export function freshness(headers: Headers, cc: Directives, ttl: number | false, now: number): number | null {
  if (cc.has('no-cache')) return now
  const age = Number(headers.get('age')) * 1000 || 0
  const maxAge = seconds(cc, 'max-age')
  // past already when its Age is over its lifetime: how long stale it is counts (max-stale, stale-if-error)
  if (maxAge !== undefined) return now + maxAge - age
  // an invalid one (`max-age=-1`, `=abc`, `=10.5`) is stale (RFC 9111 §4.2.1), not fresh for the namespace ttl
  if (cc.has('max-age')) return now
  const expires = headers.get('expires')
  if (expires !== null) {
    const exp = Date.parse(expires)
    const date = Date.parse(headers.get('date') ?? '') || now
    return Number.isNaN(exp) ? now : now + exp - date - age
  }
  return ttl === false ? null : now + ttl
}

export function entryTtl(meta: Meta, options: Options, now: number): number | false {
  if (meta.freshUntil === null) return false
  const hasValidators = meta.headers.some(([n]) => n === 'etag' || n === 'last-modified')
  const keep = Math.max(meta.freshUntil - now, hasValidators ? (options.ttl === false ? KEEP_FOR_REVALIDATION : Math.min(options.ttl, FOREVER)) : 0)
  const total = keep + meta.staleIfError
  return total > 0 ? total : 0
}

/**
 * Whether a stored copy answers a request with these Cache-Control directives, and as what (RFC 9111
 * §5.2.1): `max-age=N` takes a copy stored or revalidated at most N s ago (`max-age=0` revalidates);
 * `min-fresh=N` one still fresh N s from now; `max-stale` a stale one too, `max-stale=N` one stale by
 * at most N s (`'STALE'`), never one whose response said `must-revalidate`, `proxy-revalidate` or
 * `no-cache` (§5.2.2.2, §5.2.2.4). undefined: it must be revalidated.
 */
export function acceptable(meta: Meta, storedAt: number, request: Directives, now: number): 'HIT' | 'STALE' | undefined {
  const maxAge = seconds(request, 'max-age')
  if (maxAge !== undefined && now - storedAt >= maxAge) return undefined
  if (meta.freshUntil === null) return 'HIT'
  const minFresh = seconds(request, 'min-fresh') ?? 0
  if (now + minFresh < meta.freshUntil) return 'HIT'
  if (minFresh > 0 || now < meta.freshUntil) return undefined
  const maxStale = request.get('max-stale')
  if (maxStale === undefined || meta.mustRevalidate || storedNoCache(meta)) return undefined
  const limit = maxStale === true ? Infinity : seconds(request, 'max-stale')
  return limit !== undefined && now - meta.freshUntil <= limit ? 'STALE' : undefined
}

/** The stored response's own `no-cache`: never used without revalidation, stale or not. */
const storedNoCache = (meta: Meta): boolean => parseCacheControl(meta.headers.find(([n]) => n === 'cache-control')?.[1] ?? null).has('no-cache')
