/**
 * The memory tier: entries kept as they are (no serialization), size estimated at set time for
 * maxSize, order and eviction decided by the namespace's policy (`cache.policy`: W-TinyLFU or
 * LRU, src/drivers/policy/), which keeps the bytes under maxSize on every write.
 */
import { estimateSize } from './envelope.js'
import { LruPolicy } from './policy/lru.js'
import { TinyLfuPolicy } from './policy/tinylfu.js'
import type { EvictionPolicy, Evicted, PolicyName, SharedBytes } from './policy/types.js'
import type { StoredEntry, Tier } from './types.js'

export interface MemoryTierOptions {
  /** @default 'lru' */
  policy?: PolicyName
  /** @default no limit */
  maxBytes?: number
  /** The bytes of all memory tiers of one cache, for the cap over all namespaces. */
  shared?: SharedBytes
}

export class MemoryTier implements Tier {
  readonly kind = 'memory'
  readonly remote = false
  readonly policy: EvictionPolicy

  constructor(options: MemoryTierOptions = {}) {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
    const shared = options.shared ?? { bytes: 0 }
    this.policy = options.policy === 'tinylfu' ? new TinyLfuPolicy(maxBytes, shared) : new LruPolicy(maxBytes, shared)
  }

  async get(key: string): Promise<StoredEntry | null> {
    return this.getSync(key)
  }

  getSync(key: string): StoredEntry | null {
    return this.policy.get(key)
  }

  async getMany(keys: string[]): Promise<(StoredEntry | null)[]> {
    return keys.map(k => this.getSync(k))
  }

  async set(entry: StoredEntry): Promise<void> {
    this.setSync(entry)
  }

  setSync(entry: StoredEntry): void {
    const size = entry.size > 0 ? entry.size : estimateSize(entry.value)
    const stored = entry.size === size ? entry : { ...entry, size }
    this.policy.set(stored, size)
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    for (const e of entries) this.setSync(e)
  }

  async delete(key: string): Promise<boolean> {
    return this.policy.delete(key) !== null
  }

  async keys(): Promise<string[]> {
    return [...this.policy.keys()]
  }

  async clear(): Promise<number> {
    const n = this.policy.count
    this.policy.clear()
    return n
  }

  async prune(maxBytes: number, now: number) {
    const removed: { key: string; reason: 'expired' | 'lru'; size: number }[] = []
    for (const e of [...this.policy.entries()]) {
      if (e.expiresAt !== null && e.expiresAt + e.staleFor <= now) {
        this.policy.delete(e.key)
        removed.push({ key: e.key, reason: 'expired', size: e.size })
      }
    }
    removed.push(...(await this.enforce(maxBytes)))
    return removed
  }

  async enforce(maxBytes: number) {
    return [...this.enforceSync(maxBytes)]
  }

  /**
   * Evicts down to maxBytes in the policy's order, and returns every eviction since the last call
   * (writes evict as they go); nothing to do (and no allocation) under the limit.
   */
  enforceSync(maxBytes: number): readonly Evicted[] {
    if (this.policy.bytes > maxBytes) this.policy.shrink(maxBytes)
    return this.policy.drain()
  }

  async verify() {
    return { checked: this.policy.count, corrupt: [] }
  }

  async stats() {
    return { entries: this.policy.count, bytes: this.policy.bytes }
  }

  async close(): Promise<void> {}
}
