/**
 * The key of a request to perf.cache.fetch() (fetch.ts), and the requests that get none for what they
 * carry: a response fetched with a token must not be served to a call without it or with another
 * one, and neither the token nor its response may reach a key or a file.
 */
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

/** The cache key and the URL without credentials and fragment; undefined when the URL carries credentials. */
export function keyOf(method: string, input: string | URL, headers: Headers): { key: string; url: string } | undefined {
  const url = new URL(String(input))
  if (carriesCredentials(url, headers)) return undefined
  url.hash = ''
  return { key: `http:${method}:${url.href}`, url: url.href }
}
