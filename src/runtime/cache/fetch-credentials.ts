/**
 * Which requests perf.cache.fetch() (fetch.ts) keeps out of the cache for what they carry: a
 * response fetched with a token must not be served to a call without it or with another one, and
 * neither the token nor its response may reach a key or a file.
 */
import { GLUED_SECRET_WORDS, SECRET_WORDS } from '../warn.js'

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie'])
/** Header or query names that carry a secret: api-key, x-auth-token, private-token, access_token, accessToken, x-accesstoken, sig, jwt, ?authorization=, ?pass=, ... */
const CREDENTIAL_NAME = new RegExp(`(?:(?:^|[-_.])(?:${SECRET_WORDS}|key|session|sessionid|pass|pw|pwd|authorization|signature|sig|jwt)|[a-z0-9]*(?:${GLUED_SECRET_WORDS}))(?:$|[-_.])`, 'i')

/** A request that carries credentials: it bypasses the cache entirely. */
export function carriesCredentials(url: URL, headers: Headers): boolean {
  if (url.username !== '' || url.password !== '') return true
  for (const name of headers.keys()) if (CREDENTIAL_HEADERS.has(name) || CREDENTIAL_NAME.test(name)) return true
  // a camelCase name (`sessionId`, `authKey`) split into its words: query names keep their case
  for (const name of url.searchParams.keys()) if (CREDENTIAL_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))) return true
  return false
}
