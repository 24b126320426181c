/**
 * API.md (Cache): "Any JSON-compatible value, plus Buffer/Uint8Array, round-trips exactly". A Buffer
 * or Uint8Array inside an object or array (`{ name: 'a.png', data: buf }`, `[buf1, buf2]`) was
 * refused by the byte tiers (E_VALUE) while the memory tier kept it. The envelope's type 5 keeps
 * them beside the JSON: type kept, byte-exact, the checksum and compression over the new form, a
 * user's object that looks like a marker comes back as it was, and a value without bytes keeps
 * the plain JSON envelope byte for byte.
 */
import { describe, expect, it } from 'vitest'
import { decodeEntry, encodeEntry, encodeEntryParts } from '../../src/drivers/envelope.js'
import { CorruptEntryError, type StoredEntry } from '../../src/drivers/types.js'
import { UnstorableValueError } from '../../src/drivers/json-loss.js'

const ON = { compress: 1000, integrity: true }
const entry = (key: string, value: unknown, o: Partial<StoredEntry> = {}): Omit<StoredEntry, 'size'> =>
  ({ key, value, createdAt: 1_700_000_000_123, expiresAt: 1_700_000_060_456, staleFor: 789, ...o })

/** The value with every byte value written as ['Buffer' | 'Uint8Array', bytes] (toEqual cannot tell them apart). */
function typed(v: unknown): unknown {
  if (v instanceof Uint8Array) return [Buffer.isBuffer(v) ? 'Buffer' : Object.getPrototypeOf(v) === Uint8Array.prototype ? 'Uint8Array' : 'other', Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')]
  if (Array.isArray(v)) return v.map(typed)
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, typed(e)]))
  return v
}

const many = Array.from({ length: 3000 }, (_, i) => (i % 2 ? Buffer.from([i & 255, i >> 8]) : new Uint8Array([i & 255])))
const large = Buffer.alloc(3_000_000)
for (let i = 0; i < large.length; i++) large[i] = (i * 7919) & 255
const protoKey = JSON.parse('{"__proto__": null, "x": 1}') as Record<string, unknown>
protoKey['__proto__'] = Buffer.from('p')

const VALUES: [string, unknown][] = [
  ['object', { name: 'a.png', data: Buffer.from([0, 1, 254, 255]) }],
  ['array', [Buffer.from('one'), new Uint8Array([2, 2]), 'three', null]],
  ['empty', { b: Buffer.alloc(0), u: new Uint8Array(0), rest: [Buffer.alloc(0)] }],
  ['deep', { a: [{ b: { c: [1, [new Uint8Array([9])]] } }], d: 'x' }],
  ['view', { v: new Uint8Array(new ArrayBuffer(10), 2, 3).fill(5), pooled: Buffer.from('abc') }],
  ['many', many],
  ['large', { head: 'h', large, tail: [large.subarray(10, 20)] }],
  ['lookalikes', { $bytes: 'AAEC', buf: { type: 'Buffer', data: [1, 2] }, row: [2, 3, 'x'], nul: null, b: Buffer.from('z') }],
  ['odd keys', { '': Buffer.from('e'), '0': [Buffer.from('0')], 'a.b': { 'c"d': Buffer.from('q') } }],
  ['own __proto__', protoKey],
  ['shared', (() => { const b = Buffer.from('same'); return [b, b, { b }] })()],
]

describe('envelope: Buffer/Uint8Array inside a value', () => {
  it.each(VALUES)('%s round-trips exactly: type kept, byte-exact, copied or owned', (_name, value) => {
    const before = typed(value)
    const data = encodeEntry(entry('k', value, { metadata: { etag: 'x' } }), ON)
    expect(data[12]).toBe(5)
    for (const owned of [false, true]) {
      const back = decodeEntry(Buffer.from(data), 'k', true, owned)
      expect(typed(back.value)).toEqual(before)
      expect(back.metadata).toEqual({ etag: 'x' })
      expect(back.expiresAt).toBe(1_700_000_060_456)
    }
    // the value itself is not changed by being stored
    expect(typed(value)).toEqual(before)
  })

  it('a user object that looks like a marker is never read as one', () => {
    // no bytes: the plain JSON envelope, as before
    for (const v of [{ $bytes: 'AAEC' }, { type: 'Buffer', data: [1, 2] }, [[[2, 1, 'x']], { x: null }]]) {
      const data = encodeEntry(entry('k', v), ON)
      expect(data[12]).toBe(1)
      expect(decodeEntry(data, 'k').value).toEqual(v)
    }
    // with bytes: the table is the first of the text's two elements, so a user's array of the same shape stays data
    const v = [[[2, 1, 1]], { x: null }, Buffer.from('b')]
    expect(typed(decodeEntry(encodeEntry(entry('k', v), ON), 'k').value)).toEqual(typed(v))
  })

  it('a value without bytes keeps the JSON envelope of before, byte for byte: type 1, its JSON as the payload', () => {
    const v = { a: [1, 'x', null], b: { c: 'd' } }
    const data = encodeEntry(entry('k', v, { expiresAt: null }), { compress: false, integrity: true })
    expect(data[12]).toBe(1)
    expect(data.subarray(data.length - JSON.stringify(v).length).toString()).toBe(JSON.stringify(v))
    expect(data.length).toBe(52 + 2 + JSON.stringify(v).length)
  })

  it('entries the previous build wrote (its fs files, plain and compressed JSON) are read, and encoded again to the same bytes', () => {
    // written by the build before type 5 (fs tier, place tag included), byte for byte
    const before = {
      plain: ['VU5QRVJGMgrqFPQYAQZ9pwDgD+CtJHpCAODPRQAlekIAAAAAAAAAAAoAAAAAAAAADQAAAHAAbABhAGkAbgB7ImEiOlsxLCJ4Il19', { a: [1, 'x'] }],
      big: ['VU5QRVJGMgonITWTAQcS+ACAEuCtJHpCAIDSRQAlekIAAAAAAAAAAAYAAAAAAAAAGAAAAGIAaQBnABsXJwAEUTnyCk55sOR5SXJbICd7AJyK8Q==', { t: 'x'.repeat(10000) }],
    } as const
    for (const [key, [base64, value]] of Object.entries(before)) {
      const data = Buffer.from(base64, 'base64')
      const back = decodeEntry(data, key)
      expect(back.value).toEqual(value)
      const { parts, size } = encodeEntryParts({ key, value: back.value, createdAt: back.createdAt, expiresAt: back.expiresAt, staleFor: back.staleFor }, { compress: 4096, integrity: true }, data.readUInt16LE(14))
      expect(Buffer.concat(parts, size).equals(data), key).toBe(true)
    }
  })

  it('compresses the JSON part beyond the threshold (the bytes as they are), and the checksum covers every byte', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: i, name: `row number ${i}`, tags: ['a', 'b'], icon: Buffer.from([i & 255]) }))
    const data = encodeEntry(entry('k', rows), ON)
    expect(data[13]! & 1).toBe(1)
    expect(data.length).toBeLessThan(JSON.stringify(rows.map(r => ({ ...r, icon: null }))).length / 3)
    expect(typed(decodeEntry(data, 'k').value)).toEqual(typed(rows))
    const plain = encodeEntry(entry('k', rows), { compress: false, integrity: true })
    expect(plain[13]! & 1).toBe(0)
    expect(typed(decodeEntry(plain, 'k').value)).toEqual(typed(rows))
    // a flipped byte anywhere (text, a small byte value, a large one written as its own part) is caught
    const value = { s: 'text', small: Buffer.from([1, 2, 3]), big: Buffer.alloc(100_000, 3) }
    const { parts, size } = encodeEntryParts(entry('k', value), ON)
    expect(parts.length).toBeGreaterThan(1)
    const whole = Buffer.concat(parts, size)
    for (const at of [whole.indexOf('text'), whole.indexOf(Buffer.from([1, 2, 3])), whole.length - 5]) {
      const bad = Buffer.from(whole)
      bad[at]! ^= 0xff
      expect(() => decodeEntry(bad, 'k')).toThrow(/integrity hash mismatch/)
    }
    // without integrity, a torn one still is no value
    expect(() => decodeEntry(whole.subarray(0, whole.length - 1), 'k')).toThrow(CorruptEntryError)
  })

  it('what else JSON changes is still refused, in a value with bytes too; metadata stays JSON', () => {
    expect(() => encodeEntry(entry('k', { b: Buffer.from('x'), when: new Date(0) }), ON)).toThrow(/value\.when is a Date/)
    expect(() => encodeEntry(entry('k', { f: new Float32Array(1) }), ON)).toThrow(/value\.f is a Float32Array/)
    class Bytes extends Uint8Array {}
    expect(() => encodeEntry(entry('k', [new Bytes(1)]), ON)).toThrow(/value\[0\] is a Bytes/)
    expect(() => encodeEntry(entry('k', { b: Buffer.from('x'), n: 1n }), ON)).toThrow(/BigInt/)
    const cyclic: Record<string, unknown> = { b: Buffer.from('x') }
    cyclic['self'] = cyclic
    expect(() => encodeEntry(entry('k', cyclic), ON)).toThrow(UnstorableValueError)
    expect(() => encodeEntry(entry('k', cyclic), ON)).toThrow(/cycle/)
    expect(() => encodeEntry(entry('k', 1, { metadata: { b: Buffer.from('x') } }), ON)).toThrow(/metadata\.b is a Buffer/)
  })
})
