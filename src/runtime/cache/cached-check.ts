import { cacheOptionsError } from './options-error.js'
import { CACHED_OPTIONS, plainCacheOptions } from './options-check.js'
import { argumentError } from '../../errors.js'

/**
 * `cached(fn, { name })` checked where it is called, not at its first call: `name` is the key's
 * prefix, so two functions memoized without one (`cached(fn, {})`, plain JavaScript) shared their
 * entries under `undefined:` and one returned the other's results. Its options are wrap()'s and
 * `name`, `key`: one it does not read, or `files` that is not an array of globs, is refused here too.
 */
export function checkCached(fn: unknown, options: unknown): void {
  if (typeof fn !== 'function') throw argumentError(`[unperf] cache.cached(fn, { name }): fn must be a function (the work to memoize), got ${fn === null ? 'null' : typeof fn}`)
  const name = (options as { name?: unknown } | null | undefined)?.name
  if (typeof name !== 'string' || name === '') {
    throw argumentError(`[unperf] cache.cached(fn, { name }): name must be a non-empty string (it is part of each call's key: two memoized functions need two names), got ${name === '' ? "''" : options == null ? 'no options' : typeof name}`)
  }
  if (!plainCacheOptions(options, CACHED_OPTIONS)) throw cacheOptionsError(`cache.cached(fn, { name: '${name}' })`, options, CACHED_OPTIONS)
  const key = (options as { key?: unknown }).key
  if (key !== undefined && typeof key !== 'function') throw argumentError(`[unperf] cache.cached(fn, { name: '${name}', key }): key must be a function of the call's arguments returning a string, got ${key === null ? 'null' : typeof key}`)
}

