/**
 * The TypeErrors `perf.cache` gives a JavaScript caller's slip (`wrap('k')` without its function,
 * `getMany('a')`, `get(42)`): each names the method, the argument, what is expected and what came,
 * where the slip used to surface as 'fn is not a function' or 'keys.map is not a function', or not at
 * all (`get(42)` was a miss while `set(42, v)` threw). The callers check with one `typeof` inline;
 * these build the message only on a slip. The async methods reject with them.
 */
import { describeInput } from '../describe-input.js'
import { argumentError, durationUnitsHint, roundsToZeroHint } from '../../errors.js'
import { parseDuration } from '../../config/units.js'

/** `cache.get(key)`: key must be a string, got number. */
export function keyError(method: string, key: unknown): TypeError {
  return argumentError(`[unperf] cache.${method}(key): key must be a string (the entry's name), got ${describeInput(key)}`)
}

/** `cache.getMany(keys)`: not an array, or one of its keys not a string. */
export function keysError(keys: unknown): TypeError {
  if (!Array.isArray(keys)) return argumentError(`[unperf] cache.getMany(keys): keys must be an array of strings, got ${typeof keys === 'string' ? `'${keys}' (a string: pass [key])` : describeInput(keys)}`)
  const at = keys.findIndex(k => typeof k !== 'string')
  return argumentError(`[unperf] cache.getMany(keys): keys[${at}] must be a string, got ${describeInput(keys[at])}`)
}

/** `cache.wrap(key, fn)` without its function (or with a key that is not a string). */
export function wrapInputError(key: unknown, fn: unknown): TypeError {
  if (typeof key !== 'string') return keyError('wrap', key)
  return argumentError(`[unperf] cache.wrap('${key}', fn): fn must be a function (it computes the value on a miss), got ${describeInput(fn)}`)
}

/** `cache.setMany(entries)`: not an array, or an entry that is not a [key, value, options?] array. */
export function entriesError(entries: unknown): TypeError | undefined {
  if (!Array.isArray(entries)) return argumentError(`[unperf] cache.setMany(entries): entries must be an array of [key, value, options?], got ${describeInput(entries)}`)
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i]
    if (!Array.isArray(entry)) return argumentError(`[unperf] cache.setMany(entries): entries[${i}] must be an array [key, value, options?], got ${describeInput(entry)}`)
    if (typeof entry[0] !== 'string') return argumentError(`[unperf] cache.setMany(entries): entries[${i}][0], the key, must be a string, got ${describeInput(entry[0])}`)
  }
  return undefined
}

/** A ttl that is not a duration > 0 or false, where it was given (`cache.set('k')`, `cache.setMany(entries): entries[2]`). */
export function ttlError(where: string, ttl: unknown): TypeError {
  return argumentError(`[unperf] ${where}: ttl must be a duration > 0 or false, got ${String(ttl)}${unitsHint(ttl)}`)
}

/**
 * A string ttl that is no duration ('1y', '30 days', '5min'): the units there are, in the config
 * error's words (config-issue.ts, loaded only then); the runtime's said only "must be a duration".
 * One that rounds to 0 ms (`0.4`, `'0.4ms'`): that it does.
 */
export function unitsHint(ttl: unknown): string {
  return typeof ttl === 'string' && parseDuration(ttl) === undefined ? durationUnitsHint() : roundsToZeroHint(ttl)
}

/**
 * `cache.warm(entries)`: not an object of key → function. null threw 'Cannot convert undefined or null
 * to object', an array filled keys '0', '1', ..., and a value that is not a function (`{ k: value }`,
 * where set() was meant) was only a warning from the background, the key never filled.
 */
export function warmInputError(entries: unknown): TypeError | undefined {
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    return argumentError(`[unperf] cache.warm(entries): entries must be an object of key → function ({ 'user:1': () => loadUser(1) }), got ${describeInput(entries)}`)
  }
  const bad = Object.entries(entries).find(([, fn]) => typeof fn !== 'function')
  if (bad === undefined) return undefined
  return argumentError(`[unperf] cache.warm(entries): entries['${bad[0]}'] must be a function (it computes the key's value in the background; to store a value you have, use set()), got ${describeInput(bad[1])}`)
}
