/**
 * The redis tier's large values (BULK_MIN or more, redis-connection.ts): the sizes this process last
 * wrote or read of them, so a read of one is given the time it takes (Redis prepares a 50 MB reply
 * before its first byte, ~0.3 s on a loaded VM: call-deadlines.ts), and the server's limit for one
 * value, which a write is checked against before it is sent (over it, Redis closes the connection
 * and fails every call in flight with it). A value changed by another process since only changes
 * the allowance.
 */
import { PerfError } from '../errors.js'
import { formatBytes } from '../config/units.js'
import { BULK_MIN, bulkLimit, type RedisClient } from './redis-connection.js'

/** Sizes kept at most: past them the map starts over (a namespace of many large values). */
const MAX_KNOWN = 1000

export class LargeValues {
  private readonly _sizes = new Map<string, number>()

  /** The size last seen of `key`'s value, when it was large. */
  sizeOf(key: string): number | undefined {
    return this._sizes.size === 0 ? undefined : this._sizes.get(key)
  }

  /** The sizes last seen of these keys' large values, summed (0: none large). */
  totalOf(keys: readonly string[]): number {
    let total = 0
    if (this._sizes.size !== 0) for (const k of keys) total += this._sizes.get(k) ?? 0
    return total
  }

  /** `key`'s value was written or read at `bytes`: kept when large, forgotten otherwise. */
  seen(key: string, bytes: number): void {
    if (bytes >= BULK_MIN) {
      if (this._sizes.size >= MAX_KNOWN) this._sizes.clear()
      this._sizes.set(key, bytes)
    } else if (this._sizes.size !== 0) {
      this._sizes.delete(key)
    }
  }

  /** `key`'s value is gone (deleted, expired). */
  forget(key: string): void {
    this._sizes.delete(key)
  }

  clear(): void {
    this._sizes.clear()
  }
}

/**
 * Throws E_TOO_LARGE naming the entries over the server's limit for one value (proto-max-bulk-len),
 * with their `keys`: sent, Redis would close the connection and fail every call in flight with it.
 * Not a tier failure. Callers pass the large values alone (BULK_MIN or more); the limit is read once
 * per connection (bulkLimit).
 */
export async function checkFits(c: RedisClient, entries: readonly [string, Buffer][]): Promise<void> {
  if (entries.length === 0) return
  const limit = await bulkLimit(c)
  const over = entries.filter(([, data]) => data.length > limit)
  if (over.length === 0) return
  const what = over.map(([key, data]) => `'${key}' (${formatBytes(data.length)})`).join(', ')
  throw Object.assign(new PerfError('E_TOO_LARGE', `cache ${over.length === 1 ? 'entry' : 'entries'} ${what} over this Redis' limit for one value (proto-max-bulk-len ${formatBytes(limit)}): not written to the redis tier`), { keys: over.map(([key]) => key) })
}
