/**
 * Least recently used: one list in access order; a write over maxBytes evicts from its head.
 */
import type { StoredEntry } from '../types.js'
import { NodeList, tick, type PolicyNode } from './list.js'
import { EvictionPolicy } from './types.js'

export class LruPolicy extends EvictionPolicy {
  readonly name = 'lru'
  private readonly _list = new NodeList()

  get(key: string): StoredEntry | null {
    const node = this._nodes.get(key)
    if (node === undefined) return null
    node.access = tick()
    this._list.touch(node)
    return node.entry
  }

  set(entry: StoredEntry, size: number): void {
    const node = this._nodes.get(entry.key)
    if (node === undefined) {
      this._list.push(this._newNode(entry, size, 0))
    } else {
      this._list.remove(node)
      this._replace(node, entry, size)
      this._list.push(node)
    }
    if (this.bytes > this.maxBytes) this.shrink(this.maxBytes)
  }

  victim(): PolicyNode | null {
    return this._list.head
  }

  protected _unlink(node: PolicyNode): void {
    this._list.remove(node)
  }

  protected _clearLists(): void {
    this._list.clear()
  }
}
