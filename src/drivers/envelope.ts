/**
 * The entry envelope of byte tiers: one self-checking buffer, identical on every driver, so TTL,
 * integrity and size work the same on fs, redis or any unstorage driver.
 *
 *   "UNPERF1\n" + header JSON + "\n" + payload
 *   header: { k: key, c: createdAt, e: expiresAt|null, st: staleFor, t: 'j'|'b'|'u', z: 'br'|null,
 *             n: payload bytes, h: sha256 (base64url, 22 chars) of the payload, m?: metadata }
 *
 * `t`: j = JSON (exact round-trip: '456' stays a string, null stays null), b = Buffer, u = Uint8Array.
 * Anything that does not parse, has the wrong length or hash, or a future format → CorruptEntryError.
 */
import { crypto, zlib } from '../runtime/_builtins.js'
import { CorruptEntryError, type StoredEntry } from './types.js'

const MAGIC = Buffer.from('UNPERF1\n')
const NL = 0x0a

export interface EncodeOptions {
  /** Compress payloads larger than this many bytes; false = never. */
  compress: number | false
  integrity: boolean
}

interface Header {
  k: string
  c: number
  e: number | null
  st: number
  t: 'j' | 'b' | 'u'
  z: 'br' | null
  n: number
  h?: string
  m?: Record<string, unknown>
}

function digest(payload: Buffer): string {
  return crypto().createHash('sha256').update(payload).digest('base64url').slice(0, 22)
}

export function encodeEntry(entry: Omit<StoredEntry, 'size'>, options: EncodeOptions): Buffer {
  const v = entry.value
  let t: Header['t']
  let payload: Buffer
  if (Buffer.isBuffer(v)) { t = 'b'; payload = v }
  else if (v instanceof Uint8Array) { t = 'u'; payload = Buffer.from(v.buffer, v.byteOffset, v.byteLength) }
  else {
    t = 'j'
    const json = JSON.stringify(v)
    if (json === undefined) throw new TypeError(`[unperf] cache values must be JSON-compatible, a Buffer or a Uint8Array (key '${entry.key}')`)
    payload = Buffer.from(json)
  }
  let z: Header['z'] = null
  // JSON compresses well; binary values (Buffer, Uint8Array) are usually compressed already
  // (archives, images), and brotli on incompressible bytes only costs time
  if (t === 'j' && options.compress !== false && payload.length > options.compress) {
    const compressed = zlib().brotliCompressSync(payload, { params: { [zlib().constants.BROTLI_PARAM_QUALITY]: 4, [zlib().constants.BROTLI_PARAM_SIZE_HINT]: payload.length } })
    if (compressed.length < payload.length) { payload = compressed; z = 'br' }
  }
  const header: Header = { k: entry.key, c: entry.createdAt, e: entry.expiresAt, st: entry.staleFor, t, z, n: payload.length }
  if (options.integrity) header.h = digest(payload)
  if (entry.metadata) header.m = entry.metadata
  return Buffer.concat([MAGIC, Buffer.from(JSON.stringify(header)), Buffer.from('\n'), payload])
}

/** Decodes an envelope; `expectedKey` guards against foreign data under a colliding name. */
export function decodeEntry(data: Buffer | Uint8Array | string, expectedKey: string | undefined, checkIntegrity = true): StoredEntry {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.isBuffer(data) ? data : Buffer.from(data)
  const key = expectedKey ?? '?'
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    if (buf.subarray(0, 6).toString() === 'UNPERF') throw new CorruptEntryError(key, 'an envelope of another format version')
    throw new CorruptEntryError(key, 'not an unperf envelope')
  }
  const end = buf.indexOf(NL, MAGIC.length)
  if (end === -1) throw new CorruptEntryError(key, 'truncated header')
  let header: Header
  try { header = JSON.parse(buf.subarray(MAGIC.length, end).toString()) as Header } catch { throw new CorruptEntryError(key, 'unreadable header') }
  if (typeof header !== 'object' || header === null || typeof header.k !== 'string' || typeof header.n !== 'number') throw new CorruptEntryError(key, 'malformed header')
  if (expectedKey !== undefined && header.k !== expectedKey) throw new CorruptEntryError(key, 'the entry belongs to another key')
  let payload = buf.subarray(end + 1)
  if (payload.length !== header.n) throw new CorruptEntryError(header.k, `payload is ${payload.length} bytes, expected ${header.n} (torn write?)`)
  if (checkIntegrity && header.h !== undefined && digest(payload) !== header.h) throw new CorruptEntryError(header.k, 'integrity hash mismatch')
  let value: unknown
  try {
    if (header.z === 'br') payload = zlib().brotliDecompressSync(payload)
    if (header.t === 'j') value = JSON.parse(payload.toString())
    else if (header.t === 'b') value = Buffer.from(payload)
    else if (header.t === 'u') value = new Uint8Array(payload)
    else throw new Error(`unknown type ${String(header.t)}`)
  } catch (error) {
    throw new CorruptEntryError(header.k, `undecodable payload: ${error instanceof Error ? error.message : String(error)}`)
  }
  return {
    key: header.k, value, createdAt: header.c, expiresAt: header.e, staleFor: header.st ?? 0, size: buf.length,
    ...(header.m !== undefined && { metadata: header.m }),
  }
}

/** Only the header (for keys(), prune and info without decoding payloads). */
export function readHeader(buf: Buffer): { key: string; expiresAt: number | null; staleFor: number } | undefined {
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined
  const end = buf.indexOf(NL, MAGIC.length)
  if (end === -1) return undefined
  try {
    const h = JSON.parse(buf.subarray(MAGIC.length, end).toString()) as Header
    return typeof h.k === 'string' ? { key: h.k, expiresAt: h.e, staleFor: h.st ?? 0 } : undefined
  } catch {
    return undefined
  }
}

/** Approximate size of a value kept in memory (for the memory tier's maxSize). */
export function estimateSize(value: unknown): number {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value.byteLength
  if (typeof value === 'string') return value.length * 2
  try { return (JSON.stringify(value)?.length ?? 8) * 2 } catch { return 64 }
}
