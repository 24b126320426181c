/**
 * The memory tier: a Map in access order (a hit moves the key to the end), entries kept as they
 * are (no serialization), size estimated at set time for maxSize.
 */
import { estimateSize } from './envelope.js'
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

  setSync(entry: StoredEntry): void {
    const size = entry.size > 0 ? entry.size : estimateSize(entry.value)
    const previous = this._map.get(entry.key)
    if (previous) { this._bytes -= previous.size; this._map.delete(entry.key) }
    const stored = entry.size === size ? entry : { ...entry, size }
    this._map.set(entry.key, stored)
    this._bytes += size
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
