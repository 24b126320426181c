/**
 * What the memory tier asks of its eviction policy. A policy owns the entries (key → node) and
 * their order, keeps its bytes under `maxBytes` on every write, and queues what it evicted until
 * the namespace takes the queue (to fire `cache:evict`).
 */
import type { StoredEntry } from '../types.js'
import { NodeList, PolicyNode, tick } from './list.js'

export type PolicyName = 'lru' | 'tinylfu'

export interface Evicted { key: string; reason: 'lru'; size: number }

/** Bytes of all memory tiers of one cache instance, for the shared `cache.maxSize`. */
export interface SharedBytes {
  bytes: number
  /** The cap over all memory tiers (`cache.maxSize`): an entry larger than it is never kept either. */
  readonly cap?: number
}

const NONE: readonly Evicted[] = Object.freeze([])

export abstract class EvictionPolicy {
  abstract readonly name: PolicyName
  protected readonly _nodes = new Map<string, PolicyNode>()
  private _evicted: Evicted[] | undefined
  bytes = 0

  constructor(readonly maxBytes: number, protected readonly _shared: SharedBytes) {}

  get count(): number {
    return this._nodes.size
  }

  /** A hit records an access (the entry's order, its frequency). */
  abstract get(key: string): StoredEntry | null
  /** Inserts or replaces; may evict (this entry included, when a policy refuses it). */
  abstract set(entry: StoredEntry, size: number): void
  /** The node evictOne() takes next, or null when empty. */
  abstract victim(): PolicyNode | null
  protected abstract _unlink(node: PolicyNode): void

  delete(key: string): StoredEntry | null {
    const node = this._nodes.get(key)
    if (node === undefined) return null
    this._drop(node)
    return node.entry
  }

  /**
   * A write larger than maxBytes: not kept, and no other entry evicted for it. The key's previous
   * entry goes (it is no longer the key's value); the write counts as evicted at once.
   */
  refuse(key: string, size: number): void {
    const node = this._nodes.get(key)
    if (node !== undefined) this._drop(node)
    ;(this._evicted ??= []).push({ key, reason: 'lru', size })
  }

  /** Evicts in the policy's order until at most maxBytes are kept. */
  shrink(maxBytes: number): void {
    while (this.bytes > maxBytes) this.evictOne()
  }

  /** Access stamp of the next victim (the shared cap evicts across namespaces in this order). */
  victimAccess(): number {
    return this.victim()?.access ?? Number.POSITIVE_INFINITY
  }

  evictOne(): void {
    const node = this.victim()
    if (node) this._evict(node)
  }

  /** What was evicted since the last call (a shared frozen empty array when nothing was). */
  drain(): readonly Evicted[] {
    const out = this._evicted
    if (out === undefined) return NONE
    this._evicted = undefined
    return out
  }

  entries(): IterableIterator<StoredEntry> {
    return mapIterator(this._nodes.values())
  }

  keys(): IterableIterator<string> {
    return this._nodes.keys()
  }

  clear(): void {
    this._shared.bytes -= this.bytes
    this.bytes = 0
    this._nodes.clear()
    this._clearLists()
  }

  protected abstract _clearLists(): void

  protected _newNode(entry: StoredEntry, size: number, hash: number): PolicyNode {
    const node = new PolicyNode(entry, size, hash, tick())
    this._nodes.set(entry.key, node)
    this.bytes += size
    this._shared.bytes += size
    return node
  }

  /** Replaces a node's entry and size in place; the caller unlinks it first and relinks it after. */
  protected _replace(node: PolicyNode, entry: StoredEntry, size: number): void {
    this.bytes += size - node.size
    this._shared.bytes += size - node.size
    node.entry = entry
    node.size = size
    node.access = tick()
  }

  protected _evict(node: PolicyNode): void {
    this._drop(node)
    ;(this._evicted ??= []).push({ key: node.entry.key, reason: 'lru', size: node.size })
  }

  private _drop(node: PolicyNode): void {
    this._unlink(node)
    this._nodes.delete(node.entry.key)
    this.bytes -= node.size
    this._shared.bytes -= node.size
  }
}

function* mapIterator(nodes: IterableIterator<PolicyNode>): IterableIterator<StoredEntry> {
  for (const n of nodes) yield n.entry
}

export { NodeList, PolicyNode }
