/**
 * The key of a request to perf.cache.fetch() (fetch.ts), the requests that get none for what they
 * carry (a response fetched with a token must not be served to a call without it or with another
 * one, and neither the token nor its response may reach a key or a file), and the keys an unsafe
 * method's answer removes.
 */
import type { PerfCache } from '../types.js'
import { GLUED_SECRET_WORDS, SECRET_WORDS } from '../warn.js'

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie'])
/** Header or query names that carry a secret: api-key, x-auth-token, private-token, access_token, accessToken, x-accesstoken, sig, jwt, ?authorization=, ?pass=, ... */
const CREDENTIAL_NAME = new RegExp(`(?:(?:^|[-_.])(?:${SECRET_WORDS}|key|session|sessionid|pass|pw|pwd|authorization|signature|sig|jwt)|[a-z0-9]*(?:${GLUED_SECRET_WORDS}))(?:$|[-_.])`, 'i')

/** A request that carries credentials: it bypasses the cache entirely. */
function carriesCredentials(url: URL, headers: Headers): boolean {
  if (url.username !== '' || url.password !== '') return true
  for (const name of headers.keys()) if (CREDENTIAL_HEADERS.has(name) || CREDENTIAL_NAME.test(name)) return true
  // a camelCase name (`sessionId`, `authKey`) split into its words: query names keep their case
  for (const name of url.searchParams.keys()) if (CREDENTIAL_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))) return true
  return false
}

/** The cache key of a request's method and URL (credentials and fragment already left out: keyOf). */
export function urlKey(method: string, url: string): string {
  return `http:${method}:${url}`
}

/** The cache key and the URL without credentials and fragment; undefined when the URL carries credentials. */
export function keyOf(method: string, input: string | URL, headers: Headers): { key: string; url: string } | undefined {
  const url = new URL(String(input))
  if (carriesCredentials(url, headers)) return undefined
  url.hash = ''
  return { key: urlKey(method, url.href), url: url.href }
}

/** Methods that change nothing on the server (RFC 9110 §9.2.1): a response to any other invalidates the URL. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/**
 * RFC 9111 §4.4: a non-error response (2xx, 3xx) to an unsafe request (POST, PUT, PATCH, DELETE, ...)
 * removes the stored GET and HEAD responses of its URL: the resource has changed, and the next GET
 * must not be served the copy from before. A cache failure is no failed request.
 */
export async function invalidating(cache: PerfCache, input: string | URL, method: string, response: Response): Promise<Response> {
  if (SAFE_METHODS.has(method.toUpperCase()) || response.status < 200 || response.status >= 400) return response
  const get = keyOf('GET', input, new Headers())
  if (get) await Promise.all([cache.delete(get.key), cache.delete(urlKey('HEAD', get.url))]).catch(() => {})
  return response
}
