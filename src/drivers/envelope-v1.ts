/**
 * The previous envelope format ("UNPERF1\n" + JSON header + "\n" + payload, sha256 of the
 * payload), still read (envelope.ts).
 */
import { crypto, zlib } from '../runtime/_builtins.js'
import { CorruptEntryError, type StoredEntry } from './types.js'
import { errorMessage } from '../errors.js'

interface HeaderV1 { k: string; c: number; e: number | null; st?: number; t: 'j' | 'b' | 'u'; z: 'br' | null; n: number; h?: string; m?: Record<string, unknown> }

function parseHeaderV1(buf: Buffer): { header: HeaderV1; end: number } | undefined {
  const end = buf.indexOf(0x0a, 8)
  if (end === -1) return undefined
  try {
    const header = JSON.parse(buf.toString('utf8', 8, end)) as HeaderV1
    return typeof header === 'object' && header !== null && typeof header.k === 'string' && typeof header.n === 'number' ? { header, end } : undefined
  } catch {
    return undefined
  }
}

export function readHeaderV1(buf: Buffer) {
  const h = parseHeaderV1(buf)?.header
  return h && { key: h.k, createdAt: h.c, expiresAt: h.e, staleFor: h.st ?? 0, tag: 0 }
}

export function decodeV1(buf: Buffer, expectedKey: string | undefined, checkIntegrity: boolean): StoredEntry {
  const parsed = parseHeaderV1(buf)
  if (!parsed) throw new CorruptEntryError(expectedKey ?? '?', 'unreadable header')
  const { header, end } = parsed
  if (expectedKey !== undefined && header.k !== expectedKey) throw new CorruptEntryError(expectedKey, 'the entry belongs to another key')
  let payload = buf.subarray(end + 1)
  if (payload.length !== header.n) throw new CorruptEntryError(header.k, `payload is ${payload.length} bytes, expected ${header.n} (torn write?)`)
  if (checkIntegrity && header.h !== undefined && crypto().createHash('sha256').update(payload).digest('base64url').slice(0, 22) !== header.h) throw new CorruptEntryError(header.k, 'integrity hash mismatch')
  let value: unknown
  try {
    if (header.z === 'br') payload = zlib().brotliDecompressSync(payload)
    value = header.t === 'j' ? JSON.parse(payload.toString()) : header.t === 'b' ? Buffer.from(payload) : header.t === 'u' ? new Uint8Array(payload) : badKind()
  } catch (error) {
    throw new CorruptEntryError(header.k, `undecodable payload: ${errorMessage(error)}`)
  }
  return { key: header.k, value, createdAt: header.c, expiresAt: header.e, staleFor: header.st ?? 0, size: buf.length, ...(header.m !== undefined && { metadata: header.m }) }
}

function badKind(): never {
  throw new Error('unknown type')
}
