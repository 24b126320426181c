/**
 * Buffers and Uint8Arrays inside a cached value (`{ name: 'a.png', data: buf }`, `[buf1, buf2]`)
 * on the byte tiers. JSON would give a Buffer back as `{ type: 'Buffer', data: [...] }` and a
 * Uint8Array as an object of indices; the envelope (type 5, envelope.ts) keeps them beside the JSON
 * instead:
 *
 *   JSON text of [table, skeleton], then every byte value's bytes, one after the other
 *
 * The skeleton is the value with `null` where each byte value was; the table has a row per byte
 * value, in the order of the bytes: [kind (2 Buffer, 3 Uint8Array), length, ...path], the path
 * being the property names and array indices from the top. A reader puts each one back at its path.
 * Nothing in the user's data is read as a marker (the places are in the table, not in the value),
 * so an object `{ $bytes: '…' }` or `{ type: 'Buffer', data: [] }` comes back as it was.
 *
 * Only values that hold such bytes take this form: any other value keeps the plain JSON envelope
 * (type 1), byte for byte, and its cost (json-loss.ts meets a byte value only on a non-plain object).
 */

const K_BUFFER = 2
const K_UINT8 = 3

/** A value whose byte values are lifted out of its JSON. */
export interface SplitValue {
  /** JSON of [table, skeleton]. */
  text: string
  /** The byte values, in table order (views of the value's own, not copies). */
  blobs: Buffer[]
}

type Path = (string | number)[]
type Row = [number, number, ...Path]

/** Splits a value that holds Buffers/Uint8Arrays (json-loss.ts walked it: no cycle, nothing else JSON changes). */
export function splitBytes(value: unknown, stringify: (value: unknown) => string = JSON.stringify): SplitValue {
  const table: Row[] = []
  const blobs: Buffer[] = []
  const path: Path = []
  // only the objects and arrays on the way to a byte value are copied; the rest is shared
  const lift = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v
    if (v instanceof Uint8Array) {
      table.push([Buffer.isBuffer(v) ? K_BUFFER : K_UINT8, v.byteLength, ...path])
      blobs.push(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength))
      return null
    }
    let out: Record<string | number, unknown> | unknown[] | undefined
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i)
        const e: unknown = v[i]
        const r = lift(e)
        path.pop()
        if (r !== e) (out ??= v.slice())[i] = r
      }
    } else {
      for (const k in v) {
        path.push(k)
        const e = (v as Record<string, unknown>)[k]
        const r = lift(e)
        path.pop()
        if (r !== e) Object.defineProperty(out ??= { ...v }, k, { value: r, enumerable: true, writable: true, configurable: true })
      }
    }
    return out ?? v
  }
  const skeleton = lift(value)
  return { text: stringify([table, skeleton]), blobs }
}

/**
 * The value back from its JSON text and the bytes after it. `owned`: `bytes` is nobody else's (an fs
 * read), so the byte values are views of it, not copies. Throws on anything that does not fit (the
 * caller reports a corrupt entry).
 */
export function joinBytes(text: string, bytes: Buffer, owned: boolean): unknown {
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Array.isArray(parsed[0])) throw new Error('not a value with bytes')
  const [table, skeleton] = parsed as [unknown[], unknown]
  let at = 0
  for (const row of table) {
    if (!Array.isArray(row) || row.length < 3) throw new Error('a bad bytes row')
    const [kind, length] = row as [unknown, unknown]
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || at + length > bytes.length) throw new Error('bytes past the entry')
    const b = bytes.subarray(at, at + length)
    at += length
    const v = kind === K_BUFFER ? (owned ? b : Buffer.from(b))
      : kind === K_UINT8 ? (owned ? new Uint8Array(b.buffer, b.byteOffset, length) : new Uint8Array(b))
        : undefined
    if (v === undefined) throw new Error(`unknown bytes kind ${String(kind)}`)
    let holder: unknown = skeleton
    for (let i = 2; i < row.length - 1; i++) holder = own(holder, row[i]) ? (holder as Record<string, unknown>)[row[i] as string] : undefined
    const last = row[row.length - 1] as string | number
    if (!own(holder, last) || (holder as Record<string, unknown>)[last] !== null) throw new Error('a bytes path that leads nowhere')
    Object.defineProperty(holder, last, { value: v, enumerable: true, writable: true, configurable: true })
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes left over`)
  return skeleton
}

function own(holder: unknown, key: unknown): holder is object {
  return typeof holder === 'object' && holder !== null && (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(holder, key)
}
