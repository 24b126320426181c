/**
 * The response headers perf.cache.fetch() (fetch.ts) stores with a copy: not the credentials a
 * response carries (Set-Cookie, ...), not what describes the wire rather than the stored decoded body
 * (a GET's Content-Encoding and Content-Length), and not the hop-by-hop headers, which describe one
 * connection (RFC 9110 §7.6.1; a cache strips them, RFC 9111 §3.1, as undici's does): Connection,
 * Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authenticate, Proxy-Authorization, and
 * every header the Connection header names.
 */
const NEVER_STORED = new Set([
  'set-cookie', 'set-cookie2', 'authorization', 'cookie', 'content-encoding', 'content-length',
  'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization',
])

/**
 * The headers that describe the wire, not the stored decoded body: a GET's copy keeps them apart
 * (Meta.wire: wireHeaders()) for a HEAD answered from it; a HEAD's own copy has no body, and keeps
 * them among its headers, the resource's as fetch gives them.
 */
const WIRE = new Set(['content-length', 'content-encoding'])

/** A GET response's wire headers (WIRE), for Meta.wire. */
export function wireHeaders(headers: Headers): [string, string][] {
  return [...WIRE].flatMap(name => { const v = headers.get(name); return v === null ? [] : [[name, v] as [string, string]] })
}

export function storedHeaders(headers: Headers, method = 'GET'): [string, string][] {
  // the names the Connection header lists are this connection's too (RFC 9110 §7.6.1)
  const named = new Set((headers.get('connection') ?? '').split(',').map(name => name.trim().toLowerCase()).filter(Boolean))
  const out: [string, string][] = []
  headers.forEach((value, name) => {
    if ((!NEVER_STORED.has(name) || (method === 'HEAD' && WIRE.has(name))) && !named.has(name)) out.push([name, value])
  })
  return out
}
