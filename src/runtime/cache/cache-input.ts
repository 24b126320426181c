/**
 * The TypeErrors `perf.cache` gives a JavaScript caller's slip (`wrap('k')` without its function,
 * `getMany('a')`, `get(42)`): each names the method, the argument, what is expected and what came,
 * where the slip used to surface as 'fn is not a function' or 'keys.map is not a function', or not at
 * all (`get(42)` was a miss while `set(42, v)` threw). The callers check with one `typeof` inline;
 * these build the message only on a slip. The async methods reject with them.
 */
import { describeInput } from '../describe-input.js'
import { didYouMean } from '../../config/did-you-mean.js'

/** `cache.get(key)`: key must be a string, got number. */
export function keyError(method: string, key: unknown): TypeError {
  return new TypeError(`[unperf] cache.${method}(key): key must be a string (the entry's name), got ${describeInput(key)}`)
}

/** `cache.getMany(keys)`: not an array, or one of its keys not a string. */
export function keysError(keys: unknown): TypeError {
  if (!Array.isArray(keys)) return new TypeError(`[unperf] cache.getMany(keys): keys must be an array of strings, got ${typeof keys === 'string' ? `'${keys}' (a string: pass [key])` : describeInput(keys)}`)
  const at = keys.findIndex(k => typeof k !== 'string')
  return new TypeError(`[unperf] cache.getMany(keys): keys[${at}] must be a string, got ${describeInput(keys[at])}`)
}

/** `cache.wrap(key, fn)` without its function (or with a key that is not a string). */
export function wrapInputError(key: unknown, fn: unknown): TypeError {
  if (typeof key !== 'string') return keyError('wrap', key)
  return new TypeError(`[unperf] cache.wrap('${key}', fn): fn must be a function (it computes the value on a miss), got ${describeInput(fn)}`)
}

/** `cache.setMany(entries)`: not an array, or an entry that is not a [key, value, options?] array. */
export function entriesError(entries: unknown): TypeError | undefined {
  if (!Array.isArray(entries)) return new TypeError(`[unperf] cache.setMany(entries): entries must be an array of [key, value, options?], got ${describeInput(entries)}`)
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i]
    if (!Array.isArray(entry)) return new TypeError(`[unperf] cache.setMany(entries): entries[${i}] must be an array [key, value, options?], got ${describeInput(entry)}`)
    if (typeof entry[0] !== 'string') return new TypeError(`[unperf] cache.setMany(entries): entries[${i}][0], the key, must be a string, got ${describeInput(entry[0])}`)
  }
  return undefined
}

/** A ttl that is not a duration > 0 or false, where it was given (`cache.set('k')`, `cache.setMany(entries): entries[2]`). */
export function ttlError(where: string, ttl: unknown): TypeError {
  return new TypeError(`[unperf] ${where}: ttl must be a duration > 0 or false, got ${String(ttl)}`)
}

/** What set() and setMany()'s entries read. */
export const SET_OPTIONS: readonly string[] = ['ttl', 'metadata']
/** What wrap() reads. */
export const WRAP_OPTIONS: readonly string[] = ['ttl', 'swr', 'staleIfError', 'files']
/** What cached() reads: its name and key function, and wrap()'s options for each call. */
export const CACHED_OPTIONS: readonly string[] = ['name', 'key', ...WRAP_OPTIONS]
/** Names other caches give an entry's lifetime (keyv, cache-manager, lru-cache, Redis, HTTP): here it is `ttl`. */
const LIFETIME = /^(expires?(In|At)?|maxAge|max-age|ttlMs|ttlSeconds|ex|px|lifetime|expiry|expiration)$/i

/**
 * Options as a cache method reads them: none (undefined, null), or an object of keys it reads, whose
 * `files` (wrap, cached) is an array of strings. Anything else was ignored or misread, silently: a
 * ttl given bare (`set(k, v, 5000)`, as keyv's and cache-manager's set take it) or under another name
 * (`{ expiresIn }`, `{ maxAge }`) stored the entry for the namespace's ttl; `files: 'package.json'`
 * hashed its characters as globs, so a change to the file never reached the key.
 */
export function plainCacheOptions(options: unknown, known: readonly string[]): boolean {
  if (options == null) return true
  if (typeof options !== 'object' || Array.isArray(options)) return false
  for (const key in options) if (!known.includes(key) && Object.hasOwn(options, key)) return false
  const files = (options as { files?: unknown }).files
  return files === undefined || (Array.isArray(files) && files.every(f => typeof f === 'string'))
}

/** What is wrong with options plainCacheOptions() refused, `where` the call (`cache.set('k', value, options)`). */
export function cacheOptionsError(where: string, options: unknown, known: readonly string[]): TypeError {
  const takes = `{ ${known.join(', ')} }`
  if (typeof options !== 'object' || Array.isArray(options)) {
    const bare = (typeof options === 'number' || typeof options === 'string') && known.includes('ttl') ? ` (a ttl goes in the options: { ttl: ${typeof options === 'string' ? `'${options}'` : options} })` : ''
    return new TypeError(`[unperf] ${where}: options must be an object (${takes}), got ${describeInput(options)}${bare}`)
  }
  const unknown = Object.keys(options!).find(k => !known.includes(k))
  if (unknown !== undefined) {
    const hint = LIFETIME.test(unknown) ? "; an entry's lifetime is its ttl (ms, or a duration like '1h')" : didYouMean(unknown, known)
    return new TypeError(`[unperf] ${where}: unknown option '${unknown}' (it takes ${takes})${hint}`)
  }
  const files: unknown = (options as { files?: unknown }).files
  if (!Array.isArray(files)) return new TypeError(`[unperf] ${where}: files must be an array of globs, got ${typeof files === 'string' ? `'${files}' (a string: pass ['${files}'])` : describeInput(files)}`)
  const at = files.findIndex(f => typeof f !== 'string')
  return new TypeError(`[unperf] ${where}: files[${at}] must be a string (a glob), got ${describeInput(files[at])}`)
}
