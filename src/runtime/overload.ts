/**
 * What a failed task tells an 'adaptive' pool (pool-adaptive.ts) about the service it calls:
 * - 'refused': the service said it is overloaded: an HTTP status 429, 503 or 504, or a Retry-After
 *   header on an error answer, on the error (`status`, `statusCode`, `headers`, `response.status`/`.statusCode`/`.headers`,
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
    if (refusedResponse(e) || refusedResponse(e.response) || refusedResponse(e.$metadata)) return 'refused'
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
  // Retry-After on an error answer: the service says when to come back
  return retryAfterHeader(r, undefined) !== undefined
}

/**
 * The Retry-After of an error answer (`headers`, a Headers or a plain object, on a response whose
 * `status`/`statusCode` is 400 or more, or on the error itself with its status given beside them:
 * undici's ResponseError, a thrown Response); undefined if none. `status`: the error's, for a
 * response without its own.
 */
function retryAfterHeader(r: Record<string, unknown>, status: unknown): unknown {
  const own = typeof r.status === 'number' ? r.status : typeof r.statusCode === 'number' ? r.statusCode : status
  if (typeof own !== 'number' || own < 400) return undefined
  const headers = r.headers
  if (typeof headers !== 'object' || headers === null) return undefined
  const get = (headers as { get?: unknown }).get
  if (typeof get === 'function') return (get as (name: string) => unknown).call(headers, 'retry-after') ?? undefined
  const h = headers as Record<string, unknown>
  return h['retry-after'] ?? h['Retry-After'] ?? undefined
}

/**
 * ms the service asked to wait before the next try (RFC 9110 Retry-After: delay-seconds or an
 * HTTP-date, a date past giving 0), read where overload() finds a refusal: the error's headers or its
 * response's, a few deep on its `cause`; undefined when none is there or it is not a delay or a date.
 */
export function retryAfter(error: unknown, now: number = Date.now()): number | undefined {
  for (let depth = 0; depth < 4 && typeof error === 'object' && error !== null; depth++) {
    const e = error as Record<string, unknown>
    const status = typeof e.status === 'number' ? e.status : e.statusCode
    let value = retryAfterHeader(e, status)
    if (value === undefined && typeof e.response === 'object' && e.response !== null) value = retryAfterHeader(e.response as Record<string, unknown>, status)
    if (value !== undefined) return parseRetryAfter(Array.isArray(value) ? value[0] : value, now)
    error = e.cause
  }
  return undefined
}

function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value * 1000 : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000
  // an HTTP-date names its month ('Wed, 21 Oct 2015 07:28:00 GMT'); Date.parse('-5') is a year
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
