/**
 * A count-min sketch of key frequencies for TinyLFU admission (Einziger, Friedman, Manes,
 * "TinyLFU: A Highly Efficient Cache Admission Policy", 2017; the scheme Caffeine uses).
 *
 * Saturating counters up to 15 (what 4 bits hold: enough to tell hot from cold), one byte each,
 * 8 per expected entry; each key hits 4 of them (double hashing of its 32-bit hash) and its
 * frequency is the smallest of the 4. Aging: after 10 × capacity increments every counter is
 * halved, so keys that were hot long ago do not keep their rank forever. Increment and estimate
 * are a few typed-array operations, with no allocation.
 */

const MAX = 15
const COUNTERS_PER_ENTRY = 8
const SAMPLE_FACTOR = 10
const MIN_CAPACITY = 64

/** FNV-1a over the UTF-16 code units, then a final mix: a 32-bit hash of a key string. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h >>> 0
}

export class FrequencySketch {
  private _table!: Uint8Array
  private _mask = 0
  private _capacity = 0
  private _additions = 0
  private _sampleSize = 0

  constructor(capacity = MIN_CAPACITY) {
    this._resize(capacity)
  }

  /** The number of entries the sketch is sized for (it grows, and starts over, as the cache does). */
  get capacity(): number {
    return this._capacity
  }

  /** Grows (by powers of 2) when the cache holds more entries than the sketch was sized for; counts restart. */
  ensureCapacity(entries: number): void {
    if (entries > this._capacity) this._resize(entries * 2)
  }

  increment(hash: number): void {
    const t = this._table
    const mask = this._mask
    const h1 = Math.imul(hash, 0x9e3779b1) >>> 0
    const h2 = (Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) | 1) >>> 0
    let added = false
    for (let i = 0; i < 4; i++) {
      const at = (h1 + i * h2) & mask
      if (t[at]! < MAX) { t[at]!++; added = true }
    }
    if (added && ++this._additions >= this._sampleSize) this._age()
  }

  /** Estimated uses of the key in the current sample (0..15). */
  frequency(hash: number): number {
    const t = this._table
    const mask = this._mask
    const h1 = Math.imul(hash, 0x9e3779b1) >>> 0
    const h2 = (Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) | 1) >>> 0
    let min = MAX
    for (let i = 0; i < 4; i++) {
      const c = t[(h1 + i * h2) & mask]!
      if (c < min) min = c
    }
    return min
  }

  /** Halves every counter: the popularity of the past fades. */
  private _age(): void {
    const t = this._table
    for (let i = 0; i < t.length; i++) t[i]! >>= 1
    this._additions >>>= 1
  }

  private _resize(entries: number): void {
    let capacity = MIN_CAPACITY
    while (capacity < entries) capacity *= 2
    this._capacity = capacity
    this._table = new Uint8Array(capacity * COUNTERS_PER_ENTRY)
    this._mask = this._table.length - 1
    this._sampleSize = capacity * SAMPLE_FACTOR
    this._additions = 0
  }
}
