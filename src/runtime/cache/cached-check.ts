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
  const key = (options as { key?: unknown }).key
  if (key !== undefined && typeof key !== 'function') throw cachedInputError(fn, options)
}
