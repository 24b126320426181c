/**
 * The entry envelope of byte tiers: one self-checking buffer, identical on every driver, so TTL,
 * integrity and size work the same on fs, redis or any unstorage driver.
 *
 *   offset  0  "UNPERF2\n"
 *           8  u32 crc32 of every byte from offset 12 to the end (header, key, metadata, payload)
 *          12  u8 type: 1 JSON, 2 Buffer, 3 Uint8Array, 4 string (UTF-8), 5 JSON with bytes
 *          13  u8 flags: 1 brotli, 2 checksummed, 4 expires, 8 metadata
 *          14  u16 place tag: 0, or placeTag(place, key) of the entry's scope and namespace (fs tier)
 *          16  f64 createdAt, f64 expiresAt (0 without flag 4), f64 staleFor
 *          40  u32 key bytes, u32 metadata bytes, u32 payload bytes
 *          52  key (UTF-16LE: exact for any JS string), metadata (JSON), payload
 *
 * Type 5 is a value holding Buffers or Uint8Arrays below its top (nested-bytes.ts): its payload is
 * u32 length of the JSON text (as stored: brotli with flag 1), the text, then the bytes, which are
 * not compressed (like a Buffer value's). The checksum covers all of it. A reader from before type 5
 * finds an unknown type: a corrupt entry, so a miss, never another value. Values without bytes keep
 * type 1, as before.
 *
 * Strings and binary values are stored as they are after the fixed header: no JSON escaping on
 * write, no JSON.parse on read ('456' stays a string by its type byte; JSON keeps null a null).
 * The checksum is CRC-32 (zlib's, ~3 GB/s; a process's first small entries in JS: crc32.ts): it
 * guards against torn and damaged files, not against someone who can write the cache dir (they
 * could recompute any unkeyed hash; the fs tier refuses dirs others can write). It covers the header too, so a flipped expiry byte is caught as well.
 * A wrong length or checksum, another format, a foreign key → CorruptEntryError. Envelopes of the
 * previous format ("UNPERF1\n" + JSON header) are still read.
 *
 * The place tag (offset 14) binds an entry to the namespace and scope it was written for: see
 * place-tag.ts; 0 when the tier has no place (or the entry predates the tag).
 */
import { zlib } from '../runtime/_builtins.js'
import { crc32 } from './crc32.js'
import { CorruptEntryError, type StoredEntry } from './types.js'
import { errorMessage } from '../errors.js'
import { strictJson, valueJson } from './json-loss.js'
import { joinBytes, type SplitValue } from './nested-bytes.js'
import { decodeV1, readHeaderV1 } from './envelope-v1.js'

const MAGIC = Buffer.from('UNPERF2\n')
const MAGIC_V1 = Buffer.from('UNPERF1\n')
const HEAD = 52
const CHECKED_FROM = 12

const T_JSON = 1
const T_BUFFER = 2
const T_UINT8 = 3
const T_STRING = 4
const T_JSON_BYTES = 5
const F_BROTLI = 1
const F_CHECKED = 2
const F_EXPIRES = 4
const F_META = 8

export interface EncodeOptions {
  /** Compress JSON and string payloads larger than this many bytes (kept only if smaller); false = never. */
  compress: number | false
  integrity: boolean
}

/**
 * The envelope in parts that are written one after the other (fs: one writev, no copy of a large
 * Buffer value); `size` is their total length.
 */
export interface EncodedParts { parts: Buffer[]; size: number }

/** The place tag of an envelope (0: none, or the previous format's); undefined when it is no envelope. */
export function entryPlaceTag(buf: Buffer): number | undefined {
  if (buf.length >= 16 && buf.compare(MAGIC, 0, 8, 0, 8) === 0) return buf.readUInt16LE(14)
  return buf.length >= 8 && buf.compare(MAGIC_V1, 0, 8, 0, 8) === 0 ? 0 : undefined
}

/** `tag`: the entry's place tag (placeTag), 0 for none. */
export function encodeEntryParts(entry: Omit<StoredEntry, 'size'>, options: EncodeOptions, tag = 0): EncodedParts {
  const v = entry.value
  const keyBytes = entry.key.length * 2
  const meta = entry.metadata === undefined ? undefined : strictJson(entry.metadata, entry.key, 'metadata')
  const metaBytes = meta === undefined ? 0 : Buffer.byteLength(meta)
  const fixed = HEAD + keyBytes + metaBytes
  let type: number
  let text: string | undefined
  let payload: Buffer | undefined
  let flags = (options.integrity ? F_CHECKED : 0) | (entry.expiresAt === null ? 0 : F_EXPIRES) | (meta === undefined ? 0 : F_META)
  // a string with a lone surrogate has no UTF-8 form: JSON escapes it exactly
  if (typeof v === 'string' && (v as unknown as WellFormed).isWellFormed()) { type = T_STRING; text = v }
  else if (Buffer.isBuffer(v)) { type = T_BUFFER; payload = v }
  else if (v instanceof Uint8Array) { type = T_UINT8; payload = Buffer.from(v.buffer, v.byteOffset, v.byteLength) }
  else {
    type = T_JSON
    // a value JSON cannot hold, or would give back changed (a Date, a Map, NaN: json-loss.ts), is
    // refused: a TypeError of this call (the caller's value), never a failure of the tier
    const json = valueJson(v, entry.key)
    if (typeof json !== 'string') return encodeWithBytes(entry, options, tag, json, flags, keyBytes, meta, metaBytes)
    text = json
  }
  let head: Buffer
  if (text !== undefined) {
    const textBytes = Buffer.byteLength(text)
    // JSON and text compress well; binary values (archives, images) are usually compressed already,
    // and brotli on incompressible bytes only costs time
    if (options.compress !== false && textBytes > options.compress) {
      const compressed = brotli(text, textBytes)
      if (compressed.length < textBytes) { payload = compressed; flags |= F_BROTLI }
    }
    if (payload === undefined) {
      // header and text in one allocation: no intermediate Buffer of the text, no concat
      head = Buffer.allocUnsafe(fixed + textBytes)
      head.write(text, fixed)
      writeHead(head, entry, type, flags, keyBytes, meta, metaBytes, textBytes, tag)
      if (options.integrity) head.writeUInt32LE(crc32(head.subarray(CHECKED_FROM)), 8)
      return { parts: [head], size: head.length }
    }
  }
  head = Buffer.allocUnsafe(fixed)
  writeHead(head, entry, type, flags, keyBytes, meta, metaBytes, payload!.length, tag)
  if (options.integrity) head.writeUInt32LE(crc32(payload!, crc32(head.subarray(CHECKED_FROM))), 8)
  return { parts: [head, payload!], size: fixed + payload!.length }
}

/** The envelope as one Buffer (redis, unstorage). */
export function encodeEntry(entry: Omit<StoredEntry, 'size'>, options: EncodeOptions): Buffer {
  const { parts, size } = encodeEntryParts(entry, options)
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)
}

/**
 * Decodes an envelope; `expectedKey` guards against foreign data under a colliding name.
 * `owned`: the caller hands over a buffer nobody else holds (fs reads), so binary values are
 * returned as views of it instead of copies.
 */
export function decodeEntry(data: Buffer | Uint8Array | string, expectedKey: string | undefined, checkIntegrity = true, owned = false): StoredEntry {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const key = expectedKey ?? '?'
  if (buf.length < 8 || buf.compare(MAGIC, 0, 8, 0, 8) !== 0) {
    if (buf.length >= 8 && buf.compare(MAGIC_V1, 0, 8, 0, 8) === 0) return decodeV1(buf, expectedKey, checkIntegrity)
    if (buf.subarray(0, 6).toString() === 'UNPERF') throw new CorruptEntryError(key, 'an envelope of another format version')
    throw new CorruptEntryError(key, 'not an unperf envelope')
  }
  if (buf.length < HEAD) throw new CorruptEntryError(key, 'truncated header')
  const keyBytes = buf.readUInt32LE(40)
  const metaBytes = buf.readUInt32LE(44)
  const n = buf.readUInt32LE(48)
  const start = HEAD + keyBytes + metaBytes
  if (start + n !== buf.length) throw new CorruptEntryError(key, `the entry is ${buf.length} bytes, its header says ${start + n} (torn write?)`)
  const flags = buf[13]!
  if (checkIntegrity && flags & F_CHECKED && crc32(buf.subarray(CHECKED_FROM)) !== buf.readUInt32LE(8)) throw new CorruptEntryError(key, 'integrity hash mismatch')
  const storedKey = buf.toString('utf16le', HEAD, HEAD + keyBytes)
  if (expectedKey !== undefined && storedKey !== expectedKey) throw new CorruptEntryError(key, 'the entry belongs to another key')
  let value: unknown
  let metadata: Record<string, unknown> | undefined
  try {
    if (flags & F_META) metadata = JSON.parse(buf.toString('utf8', HEAD + keyBytes, start)) as Record<string, unknown>
    const type = buf[12]
    if (type === T_JSON_BYTES) value = decodeWithBytes(buf, start, n, (flags & F_BROTLI) !== 0, owned)
    else if (flags & F_BROTLI) {
      const text = zlib().brotliDecompressSync(buf.subarray(start)).toString()
      value = type === T_JSON ? JSON.parse(text) : type === T_STRING ? text : badType(type)
    } else if (type === T_JSON) value = JSON.parse(buf.toString('utf8', start))
    else if (type === T_STRING) value = buf.toString('utf8', start)
    else if (type === T_BUFFER) value = owned ? buf.subarray(start) : Buffer.from(buf.subarray(start))
    else if (type === T_UINT8) value = owned ? new Uint8Array(buf.buffer, buf.byteOffset + start, n) : new Uint8Array(buf.subarray(start))
    else badType(type)
  } catch (error) {
    throw new CorruptEntryError(storedKey, `undecodable payload: ${errorMessage(error)}`)
  }
  const entry: StoredEntry = {
    key: storedKey, value, createdAt: buf.readDoubleLE(16), expiresAt: flags & F_EXPIRES ? buf.readDoubleLE(24) : null,
    staleFor: buf.readDoubleLE(32), size: buf.length,
  }
  if (metadata !== undefined) entry.metadata = metadata
  return entry
}

/**
 * The size a whole envelope must have, from its first bytes (at least the fixed header): a number
 * for the current format, -1 for bytes that are no envelope at all, undefined when it cannot be
 * told (the previous format, or fewer bytes than the header). For a reader of a file larger than
 * its first read: a file of another size is damaged, and is not read whole to find that out.
 */
export function envelopeSize(head: Buffer): number | undefined {
  if (head.length < HEAD) return undefined
  if (head.compare(MAGIC, 0, 8, 0, 8) !== 0) return head.compare(MAGIC_V1, 0, 8, 0, 8) === 0 ? undefined : -1
  return HEAD + head.readUInt32LE(40) + head.readUInt32LE(44) + head.readUInt32LE(48)
}

/** Only the header (for keys(), prune and info without decoding payloads); `tag`: its place tag (0: none). */
export function readHeader(buf: Buffer): { key: string; createdAt: number; expiresAt: number | null; staleFor: number; tag: number } | undefined {
  if (buf.length >= 8 && buf.compare(MAGIC_V1, 0, 8, 0, 8) === 0) return readHeaderV1(buf)
  if (buf.length < HEAD || buf.compare(MAGIC, 0, 8, 0, 8) !== 0) return undefined
  const keyBytes = buf.readUInt32LE(40)
  if (HEAD + keyBytes > buf.length) return undefined
  return { key: buf.toString('utf16le', HEAD, HEAD + keyBytes), createdAt: buf.readDoubleLE(16), expiresAt: buf[13]! & F_EXPIRES ? buf.readDoubleLE(24) : null, staleFor: buf.readDoubleLE(32), tag: buf.readUInt16LE(14) }
}

/** The bytes readHeader needs of an entry of `key` (the current format; an earlier one's may need more). */
export function headerBytes(key: string): number {
  return HEAD + 2 * key.length
}

// --- internal ---

/** ES2024 (Node 20 has it; the project's lib is ES2023). */
interface WellFormed { isWellFormed(): boolean }

function writeHead(head: Buffer, entry: Omit<StoredEntry, 'size'>, type: number, flags: number, keyBytes: number, meta: string | undefined, metaBytes: number, n: number, tag: number): void {
  head[12] = type
  head[13] = flags
  head.writeUInt16LE(tag, 14)
  head.writeDoubleLE(entry.createdAt, 16)
  head.writeDoubleLE(entry.expiresAt ?? 0, 24)
  head.writeDoubleLE(entry.staleFor, 32)
  head.writeUInt32LE(keyBytes, 40)
  head.writeUInt32LE(metaBytes, 44)
  head.writeUInt32LE(n, 48)
  head.write(entry.key, HEAD, 'utf16le')
  if (meta !== undefined) head.write(meta, HEAD + keyBytes)
  // stays 0 without integrity (the flag says the checksum is absent)
  head.writeUInt32LE(0, 8)
  MAGIC.copy(head, 0)
}

function brotli(text: string, textBytes: number): Buffer {
  const z = zlib()
  return z.brotliCompressSync(text, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 4, [z.constants.BROTLI_PARAM_SIZE_HINT]: textBytes } })
}

/** Bytes below this many are copied after the text (or the bytes before them), larger ones written as they are. */
const OWN_PART = 64 * 1024

/** Type 5: [u32 text length][text, maybe brotli][bytes…] (nested-bytes.ts). */
function encodeWithBytes(entry: Omit<StoredEntry, 'size'>, options: EncodeOptions, tag: number, split: SplitValue, flags: number, keyBytes: number, meta: string | undefined, metaBytes: number): EncodedParts {
  const fixed = HEAD + keyBytes + metaBytes
  const textBytes = Buffer.byteLength(split.text)
  let z: Buffer | undefined
  if (options.compress !== false && textBytes > options.compress) {
    z = brotli(split.text, textBytes)
    if (z.length < textBytes) flags |= F_BROTLI
    else z = undefined
  }
  const stored = z?.length ?? textBytes
  // the small byte values go into the header's allocation (or a part of their own between large
  // ones): an array of many small Buffers is a few parts, not one writev slot each
  let small = 0
  for (const b of split.blobs) if (b.length < OWN_PART) small += b.length
  let size = fixed + 4 + stored
  const head = Buffer.allocUnsafe(size + small)
  head.writeUInt32LE(stored, fixed)
  if (z) z.copy(head, fixed + 4)
  else head.write(split.text, fixed + 4)
  const parts: Buffer[] = []
  let at = size
  let from = 0
  for (const b of split.blobs) {
    if (b.length < OWN_PART) { b.copy(head, at); at += b.length; continue }
    parts.push(head.subarray(from, at), b)
    from = at
  }
  parts.push(head.subarray(from, at))
  for (const b of split.blobs) size += b.length
  writeHead(head, entry, T_JSON_BYTES, flags, keyBytes, meta, metaBytes, size - fixed, tag)
  if (options.integrity) {
    let c = 0
    for (const p of parts) c = crc32(p === parts[0] ? p.subarray(CHECKED_FROM) : p, c)
    head.writeUInt32LE(c, 8)
  }
  return { parts: parts.filter(p => p.length > 0), size }
}

function decodeWithBytes(buf: Buffer, start: number, n: number, brotlied: boolean, owned: boolean): unknown {
  if (n < 4) throw new Error('no text length')
  const stored = buf.readUInt32LE(start)
  if (4 + stored > n) throw new Error('a text past the entry')
  const raw = buf.subarray(start + 4, start + 4 + stored)
  const text = brotlied ? zlib().brotliDecompressSync(raw).toString() : raw.toString()
  return joinBytes(text, buf.subarray(start + 4 + stored), owned)
}

function badType(type: number | undefined): never {
  throw new Error(`unknown type ${String(type)}`)
}
