/**
 * Issue 4, entries: the envelope every byte tier stores. Exact round-trips (strings stored raw,
 * lone surrogates included), a checksum over header and payload (a flipped expiry byte is caught,
 * not only a flipped value byte), torn and foreign envelopes rejected, the previous format read.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import zlib from 'node:zlib'
import { decodeEntry, encodeEntry, encodeEntryParts, entryPlaceTag, readHeader } from '../../src/drivers/envelope.js'
import { placeSeed, placeTag } from '../../src/drivers/place-tag.js'
import { CorruptEntryError, type StoredEntry } from '../../src/drivers/types.js'

const ON = { compress: 1000, integrity: true }
const entry = (key: string, value: unknown, o: Partial<StoredEntry> = {}): Omit<StoredEntry, 'size'> =>
  ({ key, value, createdAt: 1_700_000_000_123, expiresAt: 1_700_000_060_456, staleFor: 789, ...o })

function corruptReason(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptEntryError)
    return (error as CorruptEntryError).reason
  }
  throw new Error('decoded a corrupt envelope')
}

describe('envelope', () => {
  it('round-trips every value type exactly, with its times, metadata and key', () => {
    const values: unknown[] = [
      '456', '', 'héllo ☃ 日本語', 'lone \ud800 surrogate', '\udfff', 'x'.repeat(50_000), 456, 0, null, false, [], {},
      { a: [1, null, 'x', { b: '456' }] }, Buffer.from([0, 255, 10]), Buffer.alloc(0), new Uint8Array([1, 2, 3]),
    ]
    for (const key of ['k', '', 'a/b', 'lone \udc00 key', 'k'.repeat(10_000)]) {
      for (const value of values) {
        const data = encodeEntry(entry(key, value, { metadata: { tag: key.length } }), ON)
        const back = decodeEntry(data, key)
        expect(back.key).toBe(key)
        expect(back.createdAt).toBe(1_700_000_000_123)
        expect(back.expiresAt).toBe(1_700_000_060_456)
        expect(back.staleFor).toBe(789)
        expect(back.metadata).toEqual({ tag: key.length })
        expect(back.size).toBe(data.length)
        if (value instanceof Uint8Array) {
          expect(back.value).toBeInstanceOf(Buffer.isBuffer(value) ? Buffer : Uint8Array)
          expect(Buffer.isBuffer(back.value)).toBe(Buffer.isBuffer(value))
          expect([...(back.value as Uint8Array)]).toEqual([...value])
        } else {
          expect(back.value).toStrictEqual(value)
        }
      }
    }
  })

  it('keeps no expiry as null and no metadata as absent', () => {
    const back = decodeEntry(encodeEntry(entry('k', 1, { expiresAt: null }), ON), 'k')
    expect(back.expiresAt).toBeNull()
    expect('metadata' in back).toBe(false)
  })

  it('stores a string raw (no JSON quoting) and compresses large text', () => {
    const small = encodeEntry(entry('k', 'say "hi"'), ON)
    expect(small.includes(Buffer.from('say "hi"'))).toBe(true)
    const text = 'repetitive text '.repeat(1000)
    const big = encodeEntry(entry('k', text), ON)
    expect(big.length).toBeLessThan(text.length / 4)
    expect(decodeEntry(big, 'k').value).toBe(text)
  })

  it('writes a large binary value as a header part plus the value itself (no copy before the write)', () => {
    const value = Buffer.alloc(200_000, 7)
    const { parts, size } = encodeEntryParts(entry('k', value), ON)
    expect(parts).toHaveLength(2)
    expect(parts[1]).toBe(value)
    expect(size).toBe(parts[0]!.length + value.length)
    expect((decodeEntry(Buffer.concat(parts), 'k').value as Buffer).equals(value)).toBe(true)
  })

  it('a flipped byte anywhere after the magic is caught: value, key, expiry, lengths', () => {
    const data = encodeEntry(entry('key', { v: 'x'.repeat(200) }), ON)
    for (let i = 8; i < data.length; i++) {
      const copy = Buffer.from(data)
      copy[i]! ^= 0x01
      corruptReason(() => decodeEntry(copy, 'key'))
    }
    // the expiry (offset 24..31) in particular: not only a length or parse failure, the checksum
    const copy = Buffer.from(data)
    copy[26]! ^= 0x10
    expect(corruptReason(() => decodeEntry(copy, 'key'))).toMatch(/integrity/)
  })

  it('rejects torn, extended, foreign, future and non-envelopes', () => {
    const data = encodeEntry(entry('key', 'value'), ON)
    expect(corruptReason(() => decodeEntry(data.subarray(0, data.length - 1), 'key'))).toMatch(/torn/)
    expect(corruptReason(() => decodeEntry(data.subarray(0, 30), 'key'))).toMatch(/truncated/)
    expect(corruptReason(() => decodeEntry(Buffer.concat([data, Buffer.from('x')]), 'key'))).toMatch(/torn/)
    expect(corruptReason(() => decodeEntry(data, 'other'))).toMatch(/another key/)
    expect(corruptReason(() => decodeEntry(Buffer.concat([Buffer.from('UNPERF9\n'), data.subarray(8)]), 'key'))).toMatch(/another format/)
    expect(corruptReason(() => decodeEntry(Buffer.alloc(0), 'key'))).toMatch(/not an unperf envelope/)
  })

  it('without integrity, no checksum is written or checked', () => {
    const data = encodeEntry(entry('k', 'value'), { compress: false, integrity: false })
    expect(data.readUInt32LE(8)).toBe(0)
    expect(decodeEntry(data, 'k', false).value).toBe('value')
    expect(decodeEntry(data, 'k', true).value).toBe('value')
  })

  it('readHeader gives key, write time and expiry without decoding the payload', () => {
    const data = encodeEntry(entry('the key', Buffer.alloc(10)), ON)
    expect(readHeader(data)).toEqual({ key: 'the key', createdAt: 1_700_000_000_123, expiresAt: 1_700_000_060_456, staleFor: 789, tag: 0 })
    expect(readHeader(Buffer.from('garbage'))).toBeUndefined()
  })

  it('the place tag: in the spare u16 at offset 14 under the checksum, read back by readHeader; the rest of the envelope as untagged (earlier readers ignore it)', () => {
    const seedA = placeSeed('s_1.0.0_proj\0prices')
    const tag = placeTag(seedA, 'item')
    const { parts, size } = encodeEntryParts(entry('item', { price: 1 }), ON, tag)
    const tagged = Buffer.concat(parts, size)
    const plain = encodeEntry(entry('item', { price: 1 }), ON)
    expect(entryPlaceTag(tagged)).toBe(tag)
    expect(entryPlaceTag(plain)).toBe(0)
    expect(readHeader(tagged)?.tag).toBe(tag)
    // only bytes 14-15 and the checksum differ: a reader that knows nothing of the tag decodes it as before
    expect(tagged.subarray(16).equals(plain.subarray(16))).toBe(true)
    expect(decodeEntry(tagged, 'item', true).value).toEqual({ price: 1 })
    // per place and per key, and never 0 (0 is "no tag")
    expect(placeTag(placeSeed('s_1.0.0_proj\0discounts'), 'item')).not.toBe(tag)
    expect(placeTag(seedA, 'item2')).not.toBe(tag)
    const tags = new Set(Array.from({ length: 2000 }, (_, i) => placeTag(seedA, `k${i}`)))
    expect(tags.has(0)).toBe(false)
    expect(tags.size).toBeGreaterThan(1900)
  })

  it('placeSeed is the CRC-32 of the place and a \\0 in UTF-16LE (what entries on disk carry), its scope part summed once per process', () => {
    // zlib's own CRC-32 of the whole, as earlier builds summed it: a tag written by one reads in the other
    const whole = (place: string) => zlib.crc32(Buffer.from(place + '\0', 'utf16le'))
    const places = [
      's_1.0.0_05590afa6713d6dc_4a37ba172591\0plugin:p01', 's_1.0.0_05590afa6713d6dc_4a37ba172591\0plugin:p02',
      's_1.0.0_05590afa6713d6dc_4a37ba172591\0plugin:p01', 's_2\0ns\0with\0zeros', '\0leading', 'trailing\0', 'no zero at all',
      's_1\0naïve 😀 €', '',
    ]
    for (const place of places) expect(placeSeed(place)).toBe(whole(place))
  })

  it('still reads envelopes of the previous format (UNPERF1: JSON header, sha256 of the payload)', () => {
    const v1 = (key: string, t: 'j' | 'b', payload: Buffer, h?: string) => Buffer.concat([
      Buffer.from('UNPERF1\n'),
      Buffer.from(JSON.stringify({ k: key, c: 1, e: null, st: 0, t, z: null, n: payload.length, h: h ?? createHash('sha256').update(payload).digest('base64url').slice(0, 22), m: { a: 1 } })),
      Buffer.from('\n'),
      payload,
    ])
    const json = decodeEntry(v1('k', 'j', Buffer.from('"456"')), 'k')
    expect(json).toMatchObject({ key: 'k', value: '456', createdAt: 1, expiresAt: null, metadata: { a: 1 } })
    expect((decodeEntry(v1('b', 'b', Buffer.from([1, 2])), 'b').value as Buffer).equals(Buffer.from([1, 2]))).toBe(true)
    expect(readHeader(v1('k', 'j', Buffer.from('1')))).toEqual({ key: 'k', createdAt: 1, expiresAt: null, staleFor: 0, tag: 0 })
    expect(corruptReason(() => decodeEntry(v1('k', 'j', Buffer.from('"456"'), 'wrong-hash-wrong-hash1'), 'k'))).toMatch(/integrity/)
  })
})

describe('crc32', () => {
  it('gives zlib.crc32 numbers for every size, also continuing from a value, in JS and past the switch to zlib', async () => {
    const { crc32 } = await import('../../src/drivers/crc32.js')
    const zlib = await import('node:zlib')
    const { randomBytes } = await import('node:crypto')
    // 200 buffers: the first ones summed in JS, later ones (past the 64 KiB budget) and big ones by zlib
    for (let i = 0; i < 200; i++) {
      const size = i % 50 === 49 ? 20_000 + i : 1 + ((i * 37) % 3000)
      const buf = randomBytes(size)
      expect(crc32(buf)).toBe(zlib.crc32(buf))
      expect(crc32(buf, 0xdeadbeef)).toBe(zlib.crc32(buf, 0xdeadbeef))
    }
  })
})
