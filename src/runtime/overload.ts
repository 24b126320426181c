/**
 * What a failed task tells an 'adaptive' pool (pool-adaptive.ts) about the service it calls:
 * - 'refused': the service said it is overloaded: an HTTP status 429, 503 or 504, or a Retry-After
 *   header, on the error (`status`, `statusCode`, `response.status`/`.statusCode`/`.headers`,
 *   `$metadata.httpStatusCode`: fetch wrappers, got, axios, ofetch, ky, the AWS SDK), or on its
 *   `cause`. Clear and cheap to act on: the pool backs off at once.
 * - 'lost': a timeout (the pool's own, AbortSignal.timeout()'s) or a connection reset, refused or
 *   timed out (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE, undici's socket and timeout errors): an
 *   overloaded service, or a bad network. Judged by their rate, as one in fifty on a lossy link
 *   must not shrink a download pool (TCP's weakness on lossy links).
 * - undefined: anything else (a bug in fn, a 404, a 500): not congestion; the limit ignores it.
 */
export type Overload = 'refused' | 'lost'

const REFUSED = new Set([429, 503, 504])
const LOST = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

export function overload(error: unknown): Overload | undefined {
  // a cause chain a few deep: fetch() reports a reset as TypeError('fetch failed') with the code on its cause
  for (let depth = 0; depth < 4 && typeof error === 'object' && error !== null; depth++) {
    const e = error as Record<string, unknown>
    if (refusedStatus(e.status) || refusedStatus(e.statusCode) || refusedResponse(e.response) || refusedResponse(e.$metadata)) return 'refused'
    if (e.name === 'TimeoutError' || (typeof e.code === 'string' && LOST.has(e.code))) return 'lost'
    error = e.cause
  }
  return undefined
}

const refusedStatus = (status: unknown): boolean => typeof status === 'number' && REFUSED.has(status)

function refusedResponse(response: unknown): boolean {
  if (typeof response !== 'object' || response === null) return false
  const r = response as Record<string, unknown>
  if (refusedStatus(r.status) || refusedStatus(r.statusCode) || refusedStatus(r.httpStatusCode)) return true
  // Retry-After on an error answer: the service says when to come back (a Headers, or a plain object)
  const status = typeof r.status === 'number' ? r.status : r.statusCode
  if (typeof status !== 'number' || status < 400) return false
  const headers = r.headers
  if (typeof headers !== 'object' || headers === null) return false
  const get = (headers as { get?: unknown }).get
  return typeof get === 'function' ? (get as (name: string) => unknown).call(headers, 'retry-after') != null : (headers as Record<string, unknown>)['retry-after'] != null
}
