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

/** A HEAD's copy has no body: its Content-Length and Content-Encoding are the resource's, as fetch gives them, and are kept. */
const KEPT_FOR_HEAD = new Set(['content-length', 'content-encoding'])

export function storedHeaders(headers: Headers, method = 'GET'): [string, string][] {
  // the names the Connection header lists are this connection's too (RFC 9110 §7.6.1)
  const named = new Set((headers.get('connection') ?? '').split(',').map(name => name.trim().toLowerCase()).filter(Boolean))
  const out: [string, string][] = []
  headers.forEach((value, name) => {
    if ((!NEVER_STORED.has(name) || (method === 'HEAD' && KEPT_FOR_HEAD.has(name))) && !named.has(name)) out.push([name, value])
  })
  return out
}
