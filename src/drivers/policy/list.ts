/**
 * The building blocks of the memory tier's eviction policies: one node per entry, kept in an
 * intrusive doubly linked list in access order (head = least recently used). A hit relinks a node
 * in place: no Map delete/re-insert, no allocation.
 */
import type { StoredEntry } from '../types.js'

/** Segments of a policy (the LRU policy uses only WINDOW). */
export const WINDOW = 0
export const PROBATION = 1
export const PROTECTED = 2

/**
 * A process-wide access clock: every hit or write stamps its node, so policies of different
 * namespaces can be compared (the shared `cache.maxSize` evicts the least recently used first).
 */
let clock = 0
export function tick(): number {
  return ++clock
}

export class PolicyNode {
  prev: PolicyNode | null = null
  next: PolicyNode | null = null
  segment = WINDOW
  constructor(
    public entry: StoredEntry,
    public size: number,
    /** For the frequency sketch (0 when the policy keeps none). */
    readonly hash: number,
    public access: number,
  ) {}
}

export class NodeList {
  head: PolicyNode | null = null
  tail: PolicyNode | null = null
  bytes = 0
  count = 0

  push(node: PolicyNode): void {
    node.prev = this.tail
    node.next = null
    if (this.tail) this.tail.next = node
    else this.head = node
    this.tail = node
    this.bytes += node.size
    this.count++
  }

  remove(node: PolicyNode): void {
    if (node.prev) node.prev.next = node.next
    else this.head = node.next
    if (node.next) node.next.prev = node.prev
    else this.tail = node.prev
    node.prev = node.next = null
    this.bytes -= node.size
    this.count--
  }

  /** Most recently used: to the tail. */
  touch(node: PolicyNode): void {
    if (this.tail === node) return
    // unlink, then append (sizes unchanged)
    if (node.prev) node.prev.next = node.next
    else this.head = node.next
    node.next!.prev = node.prev
    node.prev = this.tail
    node.next = null
    this.tail!.next = node
    this.tail = node
  }

  clear(): void {
    this.head = this.tail = null
    this.bytes = 0
    this.count = 0
  }
}
