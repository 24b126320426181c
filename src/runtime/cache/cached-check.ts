import { cachedInputError } from './options-error.js'
import { CACHED_OPTIONS, plainCacheOptions } from './options-check.js'

/**
 * `cached(fn, { name })` checked where it is called, not at its first call: `name` is the key's
 * prefix, so two functions memoized without one (`cached(fn, {})`, plain JavaScript) shared their
 * entries under `undefined:` and one returned the other's results. Its options are wrap()'s and
 * `name`, `key`: one it does not read, or `files` that is not an array of globs, is refused here too.
 * The checks run here, on every call; what a failed one says is built by options-error.ts, a
 * deferred module (a caller's slip loads it, synchronously: still thrown from this call).
 */
export function checkCached(fn: unknown, options: unknown): void {
  const name = (options as { name?: unknown } | null | undefined)?.name
  if (typeof fn !== 'function' || typeof name !== 'string' || name === '' || !plainCacheOptions(options, CACHED_OPTIONS)) throw cachedInputError(fn, options)
  const { key, ttl, swr, staleIfError } = options as { key?: unknown; ttl?: unknown; swr?: unknown; staleIfError?: unknown }
  if ((key !== undefined && typeof key !== 'function') || !ttlMayBe(ttl) || !windowMayBe(swr) || !windowMayBe(staleIfError)) throw cachedInputError(fn, options)
}

/**
 * A ttl that may be a duration > 0 or false, told without the duration parser (not on the start path):
 * a number (0, -5, NaN, one that rounds to 0 ms) or a boolean is refused where cached() is called; a
 * string is checked at the function's first call (wrap.ts's checkOptions, with the same words).
 */
export function ttlMayBe(ttl: unknown): boolean {
  return ttl === undefined || ttl === false || typeof ttl === 'string' || (typeof ttl === 'number' && Number.isFinite(ttl) && Math.round(ttl) > 0)
}

/** An swr or staleIfError that may be a boolean or a duration (a string: checked at the first call, as a ttl). */
export function windowMayBe(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value) && value >= 0)
}
