/**
 * The memory tier: a Map in access order (a hit moves the key to the end), entries kept as they
 * are (no serialization), size estimated at set time for maxSize: exact for strings and binary
 * values, a walk of the value otherwise (no JSON.stringify on the hot path). Entries promoted from
 * a byte tier keep their encoded size.
 */
import type { StoredEntry, Tier } from './types.js'

const NONE: readonly { key: string; reason: 'lru'; size: number }[] = Object.freeze([])

export class MemoryTier implements Tier {
  readonly kind = 'memory'
  readonly remote = false
  private readonly _map = new Map<string, StoredEntry>()
  private _bytes = 0

  async get(key: string): Promise<StoredEntry | null> {
    return this.getSync(key)
  }

  getSync(key: string): StoredEntry | null {
    const entry = this._map.get(key)
    if (entry === undefined) return null
    this._map.delete(key)
    this._map.set(key, entry)
    return entry
  }

  async getMany(keys: string[]): Promise<(StoredEntry | null)[]> {
    return keys.map(k => this.getSync(k))
  }

  async set(entry: StoredEntry): Promise<void> {
    this.setSync(entry)
  }

  /** A new entry (size 0) is sized here and kept as it is: set() takes ownership of it. */
  setSync(entry: StoredEntry): void {
    if (entry.size <= 0) entry.size = estimateSize(entry.value)
    const previous = this._map.get(entry.key)
    if (previous !== undefined) { this._bytes -= previous.size; this._map.delete(entry.key) }
    this._map.set(entry.key, entry)
    this._bytes += entry.size
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    for (const e of entries) this.setSync(e)
  }

  async delete(key: string): Promise<boolean> {
    const entry = this._map.get(key)
    if (!entry) return false
    this._bytes -= entry.size
    return this._map.delete(key)
  }

  async keys(): Promise<string[]> {
    return [...this._map.keys()]
  }

  async clear(): Promise<number> {
    const n = this._map.size
    this._map.clear()
    this._bytes = 0
    return n
  }

  async prune(maxBytes: number, now: number) {
    const removed: { key: string; reason: 'expired' | 'lru'; size: number }[] = []
    for (const [key, e] of this._map) {
      if (e.expiresAt !== null && e.expiresAt + e.staleFor <= now) {
        this._map.delete(key)
        this._bytes -= e.size
        removed.push({ key, reason: 'expired', size: e.size })
      }
    }
    removed.push(...(await this.enforce(maxBytes)))
    return removed
  }

  async enforce(maxBytes: number) {
    return [...this.enforceSync(maxBytes)]
  }

  /** Evicts least recently used entries down to maxBytes; nothing to do (and no allocation) under it. */
  enforceSync(maxBytes: number): readonly { key: string; reason: 'lru'; size: number }[] {
    if (this._bytes <= maxBytes) return NONE
    const removed: { key: string; reason: 'lru'; size: number }[] = []
    for (const [key, e] of this._map) {
      if (this._bytes <= maxBytes) break
      this._map.delete(key)
      this._bytes -= e.size
      removed.push({ key, reason: 'lru', size: e.size })
    }
    return removed
  }

  async verify() {
    return { checked: this._map.size, corrupt: [] }
  }

  async stats() {
    return { entries: this._map.size, bytes: this._bytes }
  }

  async close(): Promise<void> {}
}

/** Bytes a walk of at most this many values counts; a larger (or cyclic) value counts what was walked. */
const WALK_BUDGET = 100_000
let walked = 0

/**
 * Approximate bytes of a value kept in memory (for the memory tier's maxSize): strings 2 bytes a
 * character, binary values their length, objects and arrays the sum of their keys and values plus a
 * small overhead each. Costs a few ns per value where JSON.stringify costs a string build.
 */
export function estimateSize(value: unknown): number {
  if (typeof value === 'string') return value.length * 2
  if (typeof value !== 'object' || value === null) return 8
  if (ArrayBuffer.isView(value)) return value.byteLength
  walked = 0
  return sizeOf(value)
}

function sizeOf(value: unknown): number {
  if (++walked > WALK_BUDGET) return 0
  if (typeof value === 'string') return value.length * 2 + 2
  if (typeof value !== 'object' || value === null) return 8
  if (ArrayBuffer.isView(value)) return value.byteLength
  let n = 16
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && walked <= WALK_BUDGET; i++) n += sizeOf(value[i]) + 2
  } else {
    const o = value as Record<string, unknown>
    for (const k in o) {
      n += k.length * 2 + 6 + sizeOf(o[k])
      if (walked > WALK_BUDGET) break
    }
  }
  return n
}
