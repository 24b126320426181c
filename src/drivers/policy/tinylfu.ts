/**
 * W-TinyLFU (Einziger, Friedman, Manes 2017; the policy of Caffeine), weighted by bytes.
 *
 * - A new entry enters a small LRU **window** (1 % of maxBytes), so bursts of new keys get a chance.
 * - An entry pushed out of the window is a **candidate** for the main space, a segmented LRU:
 *   **probation** (new to main) and **protected** (hit again while in probation; 80 % of main).
 *   When main is full, the candidate is compared with main's next victim (probation's least
 *   recently used, else protected's) by their estimated frequency in a count-min sketch: the more
 *   frequent one stays. A tie keeps the victim, so a scan of one-off keys cannot flush hot ones.
 * - The sketch counts each hit and each write, and ages (halves) periodically: see sketch.ts.
 *
 * Not here (Caffeine has it): the adaptive window (hill climbing). A fixed 1 % window suits
 * frequency-skewed workloads (the usual cache of a CLI); a recency-only workload gets a little less
 * than plain LRU would give it, which `policy: 'lru'` is there for.
 */
import type { StoredEntry } from '../types.js'
import { NodeList, PROBATION, PROTECTED, WINDOW, tick, type PolicyNode } from './list.js'
import { FrequencySketch, hashKey } from './sketch.js'
import { EvictionPolicy, type SharedBytes } from './types.js'

const WINDOW_SHARE = 0.01
const PROTECTED_SHARE = 0.8

export class TinyLfuPolicy extends EvictionPolicy {
  readonly name = 'tinylfu'
  readonly sketch = new FrequencySketch()
  private readonly _window = new NodeList()
  private readonly _probation = new NodeList()
  private readonly _protected = new NodeList()
  private readonly _windowMax: number
  private readonly _mainMax: number
  private readonly _protectedMax: number

  constructor(maxBytes: number, shared: SharedBytes) {
    super(maxBytes, shared)
    // no limit: every segment unbounded (nothing is ever a candidate)
    this._windowMax = Number.isFinite(maxBytes) ? Math.max(1, Math.floor(maxBytes * WINDOW_SHARE)) : maxBytes
    this._mainMax = Number.isFinite(maxBytes) ? Math.max(0, maxBytes - this._windowMax) : maxBytes
    this._protectedMax = Number.isFinite(maxBytes) ? Math.floor(this._mainMax * PROTECTED_SHARE) : maxBytes
  }

  get(key: string): StoredEntry | null {
    const node = this._nodes.get(key)
    if (node === undefined) return null
    this.sketch.increment(node.hash)
    node.access = tick()
    if (node.segment === WINDOW) this._window.touch(node)
    else if (node.segment === PROTECTED) this._protected.touch(node)
    else { this._probation.remove(node); this._protect(node) }
    return node.entry
  }

  set(entry: StoredEntry, size: number): void {
    let node = this._nodes.get(entry.key)
    if (node === undefined) {
      node = this._newNode(entry, size, hashKey(entry.key))
      this.sketch.ensureCapacity(this._nodes.size)
      this._window.push(node)
    } else {
      // a rewrite is a use: it keeps its segment (probation moves up), with its new size
      this._unlink(node)
      this._replace(node, entry, size)
      if (node.segment === WINDOW) this._window.push(node)
      else this._protect(node)
    }
    this.sketch.increment(node.hash)
    this._balance()
  }

  victim(): PolicyNode | null {
    return this._probation.head ?? this._protected.head ?? this._window.head
  }

  protected _unlink(node: PolicyNode): void {
    if (node.segment === WINDOW) this._window.remove(node)
    else if (node.segment === PROBATION) this._probation.remove(node)
    else this._protected.remove(node)
  }

  protected _clearLists(): void {
    this._window.clear()
    this._probation.clear()
    this._protected.clear()
  }

  /** A detached node → protected; protected's overflow goes back to probation (most recent end). */
  private _protect(node: PolicyNode): void {
    node.segment = PROTECTED
    this._protected.push(node)
    while (this._protected.bytes > this._protectedMax && this._protected.head !== node) {
      const demoted = this._protected.head!
      this._protected.remove(demoted)
      demoted.segment = PROBATION
      this._probation.push(demoted)
    }
  }

  /**
   * The window's overflow contends for main; then the total is brought under maxBytes. The window
   * keeps at least the newest entry, even one larger than the window: `set(k)` then `get(k)` finds it.
   */
  private _balance(): void {
    while (this._window.bytes > this._windowMax && this._window.count > 1) {
      const candidate = this._window.head!
      this._window.remove(candidate)
      candidate.segment = PROBATION
      this._admit(candidate)
    }
    if (this.bytes > this.maxBytes) this.shrink(this.maxBytes)
  }

  private _admit(candidate: PolicyNode): void {
    // main's room: its share, less what the window holds beyond its own (its newest entry is kept)
    const room = Math.min(this._mainMax, this.maxBytes - this._window.bytes)
    if (candidate.size > room) return this._evictDetached(candidate)
    const frequency = this.sketch.frequency(candidate.hash)
    while (this._probation.bytes + this._protected.bytes + candidate.size > room) {
      const victim = this._probation.head ?? this._protected.head
      if (victim === null) break
      if (frequency > this.sketch.frequency(victim.hash)) this._evict(victim)
      else return this._evictDetached(candidate)
    }
    this._probation.push(candidate)
  }

  /** A candidate already out of every list: evicted without unlinking. */
  private _evictDetached(node: PolicyNode): void {
    // put it where _unlink expects it, then evict as usual
    node.segment = PROBATION
    this._probation.push(node)
    this._evict(node)
  }
}
