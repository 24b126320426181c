/**
 * What a byte tier (fs, Redis, unstorage) would give back changed. Those tiers store a value that is
 * not a string, a Buffer or a Uint8Array as JSON, and JSON changes more than it refuses: a `Date`
 * comes back a string, a `Map` or a `Set` `{}`, `NaN` `null`, a `Float32Array` an object
 * of indices, a class instance a plain object without its methods. The cold run got the value from
 * fn; the warm run got the changed one from the cache, and failed there (`value.getTime is not a
 * function`) or computed something else. The memory tier keeps values as they are, so the same
 * code also behaved differently with `driver: 'memory'`. Such a value is refused by the byte tiers
 * instead, with the path of what JSON would change (`value.meta.fetchedAt is a Date`).
 *
 * Run after JSON.stringify succeeded: no cycle is left to walk, and a graph that shares objects
 * costs the walk no more than stringify paid for it. About half of stringify's time.
 */
import { errorMessage } from '../errors.js'
import { splitBytes, type SplitValue } from './nested-bytes.js'

const OBJECT = Object.prototype
const BUFFER: object = Buffer.prototype
const UINT8: object = Uint8Array.prototype

/** walk's handling of a Buffer or Uint8Array: 0 a loss (metadata), 1 allowed (a value), 2 allowed and met. */
let bytes = 0
/** walk met a -0 (JSON.stringify writes it `0`; JSON.parse reads `-0` back as -0): see exactJson. */
let negativeZero = false

/**
 * The value cannot be stored faithfully by a byte tier: not JSON (a BigInt, a cycle, too deep), or
 * JSON would give back something else. A TypeError: the caller's mistake in one call, not a tier failure.
 */
export class UnstorableValueError extends TypeError {
  override name = 'UnstorableValueError'
  code = 'E_VALUE'
  constructor(readonly key: string, readonly reason: string, what: 'value' | 'metadata' = 'value') {
    super(`[unperf] the ${what} of cache key '${key.length > 120 ? key.slice(0, 120) + '…' : key}' cannot be stored in a byte tier (fs, redis, unstorage): ${reason}. `
      + 'Those tiers store JSON values, strings, Buffers and Uint8Arrays (in a value too), and give back nothing else as it was stored '
      + '(convert it first: a Date with toISOString() or getTime(), a Map with Object.fromEntries(), a Set with [...set])')
  }
}

/**
 * A value's JSON for a byte tier: its text, as strictJson; or, when it holds a Buffer or a Uint8Array
 * below its top (nested-bytes.ts), its text with them lifted out. UnstorableValueError for anything
 * else JSON would change. The value is walked before it is stringified (the same work as strictJson,
 * in the other order): JSON.stringify would turn a nested Buffer into an array of numbers first.
 */
export function valueJson(value: unknown, key: string): string | SplitValue {
  bytes = 1
  negativeZero = false
  let found: string[] | undefined
  let walked = true
  try { found = walk(value) } catch { walked = false } // a stack too short for the walk (or a cycle): stringify tells
  const met = bytes === 2
  // a -0 in the value (`{ x: -0 }`, a computed `-1 * 0`): written as `-0`, which JSON.parse gives back as -0
  const stringify = negativeZero && walked ? exactJson : JSON.stringify
  bytes = 0
  negativeZero = false
  if (found !== undefined) throw new UnstorableValueError(key, 'value' + found.reverse().join(''))
  let text: string | undefined
  try {
    if (met && walked) return splitBytes(value, stringify)
    text = stringify(value)
  } catch (error) { throw new UnstorableValueError(key, stringifyFailure(error)) }
  // bytes met on the way into a walk that ran out of stack: their JSON would be arrays of numbers
  if (met) throw new UnstorableValueError(key, 'it is nested too deeply for JSON')
  if (text === undefined) throw new UnstorableValueError(key, `it is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON drops`)
  return text
}

/**
 * JSON of `value` (`what` of `key`; an entry's metadata), or UnstorableValueError when JSON cannot
 * hold it or would give it back changed. A -0 is written `-0` (exactJson), as in a value: metadata
 * `{ offset: -0 }` came back `{ offset: 0 }` from the byte tiers where the memory tier kept -0.
 */
export function strictJson(value: unknown, key: string, what: 'value' | 'metadata' = 'value'): string {
  let text: string | undefined
  try { text = JSON.stringify(value) } catch (error) { throw new UnstorableValueError(key, stringifyFailure(error), what) }
  if (text === undefined) throw new UnstorableValueError(key, `it is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON drops`, what)
  negativeZero = false
  let found: string[] | undefined
  let walked = true
  try { found = walk(value) } catch { walked = false } // a stack too short for the walk: stringify's depth is its limit
  const exact = negativeZero && walked
  negativeZero = false
  if (found !== undefined) throw new UnstorableValueError(key, what + found.reverse().join(''), what)
  return exact ? exactJson(value) : text
}

/** The reason of a JSON.stringify failure, in the words of the cache. */
export function stringifyFailure(error: unknown): string {
  const message = errorMessage(error)
  if (error instanceof RangeError) return 'it is nested too deeply for JSON'
  if (/circular/i.test(message)) return 'it refers to itself (a cycle), which JSON cannot hold'
  if (/BigInt/i.test(message)) return 'it holds a BigInt, which JSON cannot hold'
  return `JSON.stringify failed (${message})`
}

// the path is built on the way back out, segment by segment (reversed by its caller): nothing is
// allocated while the value is fine
function walk(v: unknown): string[] | undefined {
  if (typeof v === 'number') {
    if (v === 0 && 1 / v < 0) negativeZero = true
    return Number.isFinite(v) ? undefined : [` is ${v}, which JSON gives back as null`]
  }
  if (typeof v === 'function' || typeof v === 'symbol') return [` is a ${typeof v}, which JSON drops`]
  if (typeof v !== 'object' || v === null) return undefined
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i]
      const found = e === undefined ? [' is undefined (or a hole), which JSON gives back as null'] : walk(e)
      if (found !== undefined) { found.push(`[${i}]`); return found }
    }
    return undefined
  }
  const proto: unknown = Object.getPrototypeOf(v)
  if (proto !== OBJECT && proto !== null) {
    // a value's Buffer or Uint8Array is kept beside its JSON (valueJson); not another typed array or a subclass
    if (bytes !== 0 && (proto === BUFFER || proto === UINT8)) { bytes = 2; return undefined }
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name
    return [` is ${typeof name === 'string' && name ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an instance of a class'}, which JSON gives back as ${name === 'Date' ? 'a string' : 'a plain object'}`]
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return [' has a toJSON() method, whose result JSON gives back instead']
  for (const k in v) {
    const e = (v as Record<string, unknown>)[k]
    if (e === undefined) continue // an absent property, as JSON has it
    const found = walk(e)
    if (found !== undefined) { found.push(/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`); return found }
  }
  return undefined
}

/**
 * JSON.stringify of a value walk() found faithful, but for -0, written `-0` (JSON.stringify writes
 * `0`, and the byte tiers gave back 0 where the memory tier kept -0; JSON.parse reads `-0` as -0, so
 * every reader, an older one too, gets it back). Only for a value that holds one: JSON.stringify
 * stays the path of every other. The value is plain (walk refused the rest): arrays, objects of
 * Object's or no prototype, strings, finite numbers, booleans and null; an undefined property is
 * left out, as JSON.stringify does.
 */
function exactJson(v: unknown): string {
  if (typeof v === 'number') return v === 0 && 1 / v < 0 ? '-0' : JSON.stringify(v)
  if (typeof v !== 'object' || v === null) return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(exactJson).join(',')}]`
  let out = ''
  for (const k of Object.keys(v)) {
    const e = (v as Record<string, unknown>)[k]
    if (e === undefined) continue
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${exactJson(e)}`
  }
  return `{${out}}`
}
