/**
 * What is wrong with a cache method's options (the check: options-check.ts). A deferred module
 * (scripts/build.mjs): cached() checks its options on the start path (cache/lazy.ts), and this
 * message loads only when a caller slips.
 */
import { describeInput } from '../describe-input.js'
import { CACHED_OPTIONS, plainCacheOptions } from './options-check.js'
import { didYouMean } from '../../config/did-you-mean.js'
import { argumentError, roundsToZeroHint } from '../../errors.js'
import { ttlMayBe, windowMayBe } from './cached-check.js'

/** Names other caches give an entry's lifetime (keyv, cache-manager, lru-cache, Redis, HTTP): here it is `ttl`. */
const LIFETIME = /^(expires?(In|At)?|maxAge|max-age|ttlMs|ttlSeconds|ex|px|lifetime|expiry|expiration)$/i

/** What is wrong with options plainCacheOptions() refused, `where` the call (`cache.set('k', value, options)`). */
export function cacheOptionsError(where: string, options: unknown, known: readonly string[]): TypeError {
  const takes = `{ ${known.join(', ')} }`
  if (typeof options !== 'object' || Array.isArray(options)) {
    const bare = (typeof options === 'number' || typeof options === 'string') && known.includes('ttl') ? ` (a ttl goes in the options: { ttl: ${typeof options === 'string' ? `'${options}'` : options} })` : ''
    return argumentError(`[unperf] ${where}: options must be an object (${takes}), got ${describeInput(options)}${bare}`)
  }
  const unknown = Object.keys(options!).find(k => !known.includes(k))
  if (unknown !== undefined) {
    const hint = LIFETIME.test(unknown) ? "; an entry's lifetime is its ttl (ms, or a duration like '1h')" : didYouMean(unknown, known)
    return argumentError(`[unperf] ${where}: unknown option '${unknown}' (it takes ${takes})${hint}`)
  }
  const files: unknown = (options as { files?: unknown }).files
  if (!Array.isArray(files)) return argumentError(`[unperf] ${where}: files must be an array of globs, got ${typeof files === 'string' ? `'${files}' (a string: pass ['${files}'])` : describeInput(files)}`)
  const at = files.findIndex(f => typeof f !== 'string')
  return argumentError(`[unperf] ${where}: files[${at}] must be a string (a glob), got ${describeInput(files[at])}`)
}

/** What is wrong with a `cached(fn, options)` call checkCached() refused (cached-check.ts): the first problem, in the order it checks. */
export function cachedInputError(fn: unknown, options: unknown): TypeError {
  if (typeof fn !== 'function') return argumentError(`[unperf] cache.cached(fn, { name }): fn must be a function (the work to memoize), got ${fn === null ? 'null' : typeof fn}`)
  const name = (options as { name?: unknown } | null | undefined)?.name
  if (typeof name !== 'string' || name === '') {
    return argumentError(`[unperf] cache.cached(fn, { name }): name must be a non-empty string (it is part of each call's key: two memoized functions need two names), got ${name === '' ? "''" : options == null ? 'no options' : typeof name}`)
  }
  if (!plainCacheOptions(options, CACHED_OPTIONS)) return cacheOptionsError(`cache.cached(fn, { name: '${name}' })`, options, CACHED_OPTIONS)
  const { key, ttl, swr, staleIfError } = options as { key?: unknown; ttl?: unknown; swr?: unknown; staleIfError?: unknown }
  if (key !== undefined && typeof key !== 'function') {
    return argumentError(`[unperf] cache.cached(fn, { name: '${name}', key }): key must be a function of the call's arguments returning a string, got ${key === null ? 'null' : typeof key}`)
  }
  // as wrap.ts's checkOptions says it at the first call, for a string
  if (!ttlMayBe(ttl)) return argumentError(`[unperf] cache.cached(fn, { name: '${name}', ttl }): ttl must be a duration > 0 or false, got ${String(ttl)}${roundsToZeroHint(ttl)}`)
  const window = windowMayBe(swr) ? 'staleIfError' : 'swr'
  return argumentError(`[unperf] cache.cached(fn, { name: '${name}', ${window} }): ${window} must be true, false or a duration, got ${String(window === 'swr' ? swr : staleIfError)}`)
}

/** `perf.cache.namespace(name)` with a name that is not a non-empty, well-formed string (checkNamespaceName in names.ts). */
export function namespaceNameError(name: unknown): TypeError {
  return argumentError(`[unperf] a cache namespace name is a non-empty string without lone UTF-16 surrogates, got ${typeof name === 'string' ? JSON.stringify(name) : name === null ? 'null' : typeof name}`)
}
