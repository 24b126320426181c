/**
 * The order the size limit evicts a dir's entries in (fs-size-limit.ts evictDown): least recently
 * used first, an entry larger than the limit before all. Sorted once and walked across size
 * checks, not sorted again for each: at the limit every write evicts an entry or two, and a sort
 * of the whole index per write took ~40 % of a process's time writing tiny entries into a full
 * 1 MB namespace (8 000 entries, bench/soak/fs-fill.mjs).
 *
 * Reusing it stays in LRU order: an entry this process wrote or used since the sort is the most
 * recent of the dir (its index entry is a new object, or its access changed: skipped, evicted after
 * the next sort), one removed is gone from the index (skipped). Entries the order cannot place,
 * other processes' entries a listing or a rescan found (their access from their files' mtimes),
 * change the index's generation (FsLru.generation): sorted again.
 */
import { type FsLru, type IndexEntry } from './fs-lru.js'

type Placed = { name: string; entry: IndexEntry; access: number }

export class EvictOrder {
  private _order: Placed[] = []
  private _pos = 0
  private _generation = -1
  private _maxBytes = -1

  /**
   * Victims in order until `bytes` are freed: entries still indexed as sorted, not those in
   * `writing` (this process is writing them: they stay in the order for a later check).
   */
  victims(lru: FsLru, index: Map<string, IndexEntry>, maxBytes: number, bytes: number, writing: ReadonlyMap<string, number>): [string, IndexEntry][] {
    const stale = this._generation !== lru.generation || this._maxBytes !== maxBytes || this._pos >= this._order.length
    if (stale) this._sort(lru, index, maxBytes)
    const victims = this._walk(index, bytes, writing)
    // the order ran out: entries written or used since it was sorted count, sorted again
    if (victims.length > 0 || stale) return victims
    this._sort(lru, index, maxBytes)
    return this._walk(index, bytes, writing)
  }

  private _walk(index: Map<string, IndexEntry>, bytes: number, writing: ReadonlyMap<string, number>): [string, IndexEntry][] {
    const victims: [string, IndexEntry][] = []
    let freed = 0
    let kept = -1
    let i = this._pos
    for (; i < this._order.length && freed < bytes; i++) {
      const p = this._order[i]!
      if (index.get(p.name) !== p.entry || p.entry.access !== p.access) continue
      if (writing.has(p.name)) { if (kept < 0) kept = i; continue }
      victims.push([p.name, p.entry])
      freed += p.entry.size
    }
    // the victims taken are gone from the index once removed: walked over again, skipped
    this._pos = kept >= 0 ? kept : i
    return victims
  }

  private _sort(lru: FsLru, index: Map<string, IndexEntry>, maxBytes: number): void {
    const order: Placed[] = []
    for (const [name, entry] of index) order.push({ name, entry, access: entry.access })
    order.sort((a, b) => Number(b.entry.size > maxBytes) - Number(a.entry.size > maxBytes) || a.access - b.access)
    this._order = order
    this._pos = 0
    this._generation = lru.generation
    this._maxBytes = maxBytes
  }
}
