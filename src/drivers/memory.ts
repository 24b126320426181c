/**
 * The memory tier: entries kept as they are (no serialization), size estimated at set time for
 * maxSize: exact for strings and binary values, a walk of the value otherwise (no JSON.stringify on
 * the hot path); entries promoted from a byte tier keep their encoded size as their `size` but count
 * as their values' estimate (setPromoted). Order and eviction are
 * the namespace's policy (`cache.policy`: W-TinyLFU or LRU, src/drivers/policy/), which keeps the
 * bytes under maxSize on every write.
 */
import { LruPolicy } from './policy/lru.js'
import { TinyLfuPolicy } from './policy/tinylfu.js'
import type { EvictionPolicy, Evicted, PolicyName, SharedBytes } from './policy/types.js'
import { isListed, isLive, type KeysOptions, type StoredEntry, type Tier } from './types.js'

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
  /** The largest entry kept: the namespace's limit, or the cap over all namespaces when lower. */
  private readonly _largest: number

  constructor(options: MemoryTierOptions = {}) {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
    const shared = options.shared ?? { bytes: 0 }
    this.policy = options.policy === 'tinylfu' ? new TinyLfuPolicy(maxBytes, shared) : new LruPolicy(maxBytes, shared)
    this._largest = Math.min(maxBytes, shared.cap ?? Number.POSITIVE_INFINITY)
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

  /**
   * A new entry, kept as it is: set() takes ownership of it. It counts as its value's estimate; its
   * `size` is that estimate until a byte tier written with it records the encoded size (StoredEntry.size).
   */
  setSync(entry: StoredEntry): void {
    const bytes = estimateSize(entry.value)
    if (entry.size <= 0) entry.size = bytes
    this._hold(entry, bytes)
  }

  /**
   * An entry read from a byte tier (fs, Redis), or a copy of a hit (a sliding namespace's, its ttl
   * extended), kept here too. Its `size` stays the one it has (a byte tier's: encoded; what getEntry()
   * reports), but the heap holds its decoded value, which is what maxSize counts here: compressed,
   * a 20 kB string is ≈ 70 bytes, and counted as such a namespace's memory tier held hundreds of
   * times its maxSize of values promoted from disk.
   */
  setPromoted(entry: StoredEntry): void {
    this._hold(entry, estimateSize(entry.value))
  }

  private _hold(entry: StoredEntry, bytes: number): void {
    // larger than the limit on its own: never kept, and nothing else evicted for it (lru-cache's rule)
    if (bytes > this._largest) this.policy.refuse(entry.key, bytes)
    else this.policy.set(entry, bytes)
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    for (const e of entries) this.setSync(e)
  }

  async delete(key: string): Promise<boolean> {
    return this.policy.delete(key) !== null
  }

  /** Live entries only unless `expired` (no clock read per entry: one `now` for the listing). */
  async keys(options?: KeysOptions): Promise<string[]> {
    if (options?.expired) return [...this.policy.keys()]
    const now = Date.now()
    const out: string[] = []
    for (const e of this.policy.entries()) if (isListed(e, now, options)) out.push(e.key)
    return out
  }

  async clear(): Promise<number> {
    const n = this.policy.count
    this.policy.clear()
    return n
  }

  async prune(maxBytes: number, now: number, staleFor = 0) {
    const removed: { key: string; reason: 'expired' | 'lru'; size: number }[] = this.sweepSync(now, staleFor)
    removed.push(...(await this.enforce(maxBytes)))
    return removed
  }

  /** Removes the entries past their expiry and stale window; one pass, no copy of the live ones. */
  sweepSync(now: number, staleFor = 0): { key: string; reason: 'expired'; size: number }[] {
    const removed: { key: string; reason: 'expired'; size: number }[] = []
    for (const e of this.policy.entries()) if (!isLive(e, now, staleFor)) removed.push({ key: e.key, reason: 'expired', size: e.size })
    for (const r of removed) this.policy.delete(r.key)
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
  // a cycle, or nesting deeper than the stack, overflows the walk (an uncaught RangeError ended the process): counted as a full budget
  try { return sizeOf(value) } catch { return WALK_BUDGET * 16 }
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
