/**
 * A count-min sketch of key frequencies for TinyLFU admission (Einziger, Friedman, Manes,
 * "TinyLFU: A Highly Efficient Cache Admission Policy", 2017; the scheme Caffeine uses).
 *
 * Saturating counters up to 15 (what 4 bits hold: enough to tell hot from cold), one byte each,
 * 16 per expected entry; each key maps to 4 of them (double hashing over two seeded mixes of its 32-bit hash, top bits) and its
 * frequency is the smallest of the 4. Conservative update (only the counters at that minimum are
 * incremented) keeps keys that share counters with hot ones from looking hot themselves. Aging: after 10 × capacity increments every counter is
 * halved, so keys that were hot long ago do not keep their rank forever. Increment and estimate
 * are a few typed-array operations, with no allocation.
 */

const MAX = 15
const COUNTERS_PER_ENTRY = 16
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

/** A seeded mix of a key's hash (multiply-xorshift-multiply); indexes come from its top bits. */
function spread(hash: number, seed: number): number {
  let x = Math.imul(hash ^ seed, 0x9e3779b1)
  x ^= x >>> 16
  return Math.imul(x, 0x85ebca6b)
}

export class FrequencySketch {
  private _table!: Uint8Array
  /** Indexes are the top bits of a mixed hash: 32 - log2(table length). */
  private _shift = 32
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
    const shift = this._shift
    // double hashing over two independent mixes, indexes from the top bits (`>>>` wraps the sum mod 2^32)
    const x = spread(hash, 0x243f6a88)
    const y = spread(hash, 0x85a308d3)
    const a = x >>> shift
    const b = (x + y) >>> shift
    const c = (x + 2 * y) >>> shift
    const d = (x + 3 * y) >>> shift
    const min = Math.min(t[a]!, t[b]!, t[c]!, t[d]!)
    if (min === MAX) return
    if (t[a] === min) t[a]!++
    if (t[b] === min) t[b]!++
    if (t[c] === min) t[c]!++
    if (t[d] === min) t[d]!++
    if (++this._additions >= this._sampleSize) this._age()
  }

  /** Estimated uses of the key in the current sample (0..15). */
  frequency(hash: number): number {
    const t = this._table
    const shift = this._shift
    const x = spread(hash, 0x243f6a88)
    const y = spread(hash, 0x85a308d3)
    return Math.min(t[x >>> shift]!, t[(x + y) >>> shift]!, t[(x + 2 * y) >>> shift]!, t[(x + 3 * y) >>> shift]!)
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
    this._shift = 32 - Math.log2(this._table.length)
    this._sampleSize = capacity * SAMPLE_FACTOR
    this._additions = 0
  }
}
