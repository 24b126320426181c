/**
 * A FIFO of pairs for the pools: fixed-size chunks linked head to tail. No shift() (O(n)), no growth
 * copy of one huge array (which lands in large-object space, where every store of a young task costs
 * a remembered-set entry): each chunk is small, filled once and dropped once consumed.
 */
const CHUNK = 2048 // slots (1 024 pairs): 16 KB, well under V8's large-object threshold

interface Chunk<T> {
  readonly slots: (T | undefined)[]
  /** first unread slot */
  head: number
  /** first free slot */
  tail: number
  next: Chunk<T> | undefined
}

const chunk = <T>(): Chunk<T> => ({ slots: new Array<T | undefined>(CHUNK), head: 0, tail: 0, next: undefined })

export class PairQueue<T> {
  private _first: Chunk<T> = chunk()
  private _last: Chunk<T> = this._first
  private _pairs = 0
  /** the pair `shift()` took */
  a: T | undefined = undefined
  b: T | undefined = undefined

  get size(): number { return this._pairs }

  push(a: T, b: T | undefined): void {
    let last = this._last
    if (last.tail === CHUNK) {
      last = last.next = chunk()
      this._last = last
    }
    last.slots[last.tail] = a
    last.slots[last.tail + 1] = b
    last.tail += 2
    this._pairs++
  }

  /** Puts a pair in front (a retried task goes before the tasks queued after it). */
  unshift(a: T, b: T | undefined): void {
    let first = this._first
    if (first.head === 0) {
      if (first.tail === 0) {
        first.head = first.tail = CHUNK
      } else {
        const front = chunk<T>()
        front.head = front.tail = CHUNK
        front.next = first
        first = this._first = front
      }
    }
    first.head -= 2
    first.slots[first.head] = a
    first.slots[first.head + 1] = b
    this._pairs++
  }

  /** Takes the first pair into `a`/`b`; false when empty. */
  shift(): boolean {
    if (this._pairs === 0) return false
    let first = this._first
    // (a loop: remove() may have emptied a chunk in the middle)
    while (first.head === first.tail) {
      first = this._first = first.next!
    }
    const slots = first.slots
    this.a = slots[first.head]
    this.b = slots[first.head + 1]
    slots[first.head] = slots[first.head + 1] = undefined
    first.head += 2
    if (--this._pairs === 0) {
      // empty: keep one chunk, rewound
      first.head = first.tail = 0
      first.next = undefined
      this._last = first
    }
    return true
  }

  /** Removes the pair whose first slot is `a` (a task aborted while it waits); false when it is not queued. O(n). */
  remove(a: T): boolean {
    for (let c: Chunk<T> | undefined = this._first; c !== undefined; c = c.next) {
      const slots = c.slots
      for (let i = c.head; i < c.tail; i += 2) {
        if (slots[i] !== a) continue
        slots.copyWithin(i, i + 2, c.tail)
        c.tail -= 2
        slots[c.tail] = slots[c.tail + 1] = undefined
        if (--this._pairs === 0) {
          // empty: keep one chunk, rewound
          const first = this._first
          first.head = first.tail = 0
          first.next = undefined
          this._last = first
        }
        return true
      }
    }
    return false
  }
}
