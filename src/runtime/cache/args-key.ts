/**
 * cached()'s default key: its arguments, written so that two different argument lists never share
 * a key. `JSON.stringify(args)` did: `f(undefined)`, `f(null)` and `f(NaN)` were one key, every Map
 * and Set was `{}`, a Date was the string of its ISO time, so a cached function could return
 * another call's result. JSON-safe arguments keep exactly JSON's text (entries cached with it still
 * hit); everything else gets a form JSON never produces (a bare word outside quotes):
 * `undefined`, `NaN`, `12n`, `Date(…)`, `Map(…)`, `Set(…)`, `Uint8Array(…)`, `Class{…}`, `Function`.
 * Functions and symbols do not take part (a callback argument does not change the key). A cycle
 * throws a TypeError: pass `key` for such arguments.
 */
import { crypto } from '../_builtins.js'
import { argumentError } from '../../errors.js'

const MAX_BYTES_INLINE = 256

export function argsKey(args: readonly unknown[]): string {
  return write(args, new Set())
}

function write(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string': return JSON.stringify(value)
    case 'number': return Number.isFinite(value) ? JSON.stringify(value) : String(value) // NaN, Infinity, -Infinity
    case 'boolean': return value ? 'true' : 'false'
    case 'undefined': return 'undefined'
    case 'bigint': return `${value}n`
    case 'function': return 'Function'
    case 'symbol': return 'Symbol'
  }
  if (value === null) return 'null'
  const object = value as object
  if (seen.has(object)) throw argumentError('cached(): an argument refers to itself; pass options.key to name the call')
  seen.add(object)
  try {
    if (Array.isArray(object)) return `[${object.map(v => write(v, seen)).join(',')}]`
    if (object instanceof Date) return `Date(${Number.isNaN(object.getTime()) ? 'Invalid' : object.toISOString()})`
    if (object instanceof Map) return `Map(${[...object].map(([k, v]) => `${write(k, seen)}=>${write(v, seen)}`).join(',')})`
    if (object instanceof Set) return `Set(${[...object].map(v => write(v, seen)).join(',')})`
    if (object instanceof RegExp) return `RegExp(${JSON.stringify(object.source)},${JSON.stringify(object.flags)})`
    if (object instanceof URL) return `URL(${JSON.stringify(object.href)})`
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return bytes(object)
    const proto = Object.getPrototypeOf(object) as object | null
    const fields = Object.keys(object).map(k => `${JSON.stringify(k)}:${write((object as Record<string, unknown>)[k], seen)}`).join(',')
    // a plain object as JSON writes it; an instance of a class with its name (two classes, one shape: two keys)
    const plain = proto === null || proto === Object.prototype
    return plain ? `{${fields}}` : `${(proto as { constructor?: { name?: string } }).constructor?.name || 'Object'}{${fields}}`
  } finally {
    seen.delete(object)
  }
}

function bytes(view: ArrayBufferView | ArrayBuffer): string {
  const kind = ArrayBuffer.isView(view) ? (Buffer.isBuffer(view) ? 'Buffer' : view.constructor.name) : 'ArrayBuffer'
  const u8 = ArrayBuffer.isView(view) ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : new Uint8Array(view)
  if (u8.byteLength <= MAX_BYTES_INLINE) return `${kind}(${Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('hex')})`
  // larger: its length and digest (node:crypto loads only for such an argument)
  return `${kind}(${u8.byteLength}:${crypto().createHash('sha256').update(u8).digest('hex')})`
}

/**
 * The key a `key` function returned, as a string: a finite number as its digits; anything else is a
 * TypeError. `${name}:${k}` made every object `[object Object]` and every undefined `undefined`: a
 * `key: o => o` (the object itself, not an id of it) put every call in one entry, and calls with
 * other arguments got the first call's result.
 */
export function cachedKey(name: string, k: unknown): string {
  if (typeof k === 'string') return k
  if (typeof k === 'number' && Number.isFinite(k)) return String(k)
  const what = k === null ? 'null' : Array.isArray(k) ? 'an array' : typeof k === 'object' ? 'an object' : typeof k === 'undefined' ? 'undefined' : `a ${typeof k}`
  throw argumentError(`[unperf] cache.cached(fn, { name: '${name}', key }): key(...args) must return a string (each call's key: calls with other arguments need other strings), got ${what}`)
}
