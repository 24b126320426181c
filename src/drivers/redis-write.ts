/**
 * The redis tier's writes: an entry's SET with its PX (the ttl + stale window from now; none past
 * MAX_PX), a value that cannot be stored (json-loss.ts) deleting the key's previous value, a large
 * value checked against the server's limit for one value before it is sent and noted as a transfer
 * while it moves (call-deadlines.ts), and setMany as one pipeline that writes every entry it can.
 */
import { encodeEntry, type EncodeOptions } from './envelope.js'
import type { PerfError } from '../errors.js'
import { redisKey, type RedisKey } from './redis-key.js'
import { checkFits, type LargeValues } from './redis-large-values.js'
import { batchWrites, BULK_MIN, noteTransfer, setCommand, type RedisClient } from './redis-connection.js'
import type { StoredEntry } from './types.js'

/**
 * The longest PX given to Redis: it parses PX as a signed 64-bit integer and adds its clock (a PX
 * above ~9.2e18 ms, or one String() writes with an exponent, fails); MAX_SAFE_INTEGER (~285 000
 * years) is exact in both and far below that.
 */
const MAX_PX = Number.MAX_SAFE_INTEGER

/** What a namespace's writes need: its entries' prefix, how they are encoded, its large values. */
export interface WriteContext {
  readonly prefix: string
  readonly encode: EncodeOptions
  readonly large: LargeValues
}

export async function writeEntry(c: RedisClient, w: WriteContext, entry: StoredEntry): Promise<void> {
  const name = redisKey(w.prefix, entry.key)
  let data: Buffer
  try {
    data = encodeEntry(entry, w.encode)
    entry.size = data.length
  } catch (error) {
    // a value this tier cannot store (json-loss.ts): the key's previous value goes, as for an entry too large
    await c.del(name)
    throw error
  }
  const px = pxOf(entry)
  if (data.length >= BULK_MIN) await checkFits(c, [[entry.key, data]])
  batchWrites(c)
  // already past its stale window: nothing to keep
  if (px !== undefined && px <= 0) {
    w.large.forget(entry.key)
    return void await c.del(name)
  }
  // a large value keeps the connection busy until Redis has it (call-deadlines.ts)
  w.large.seen(entry.key, data.length)
  const sent = data.length >= BULK_MIN ? noteTransfer(c, data.length) : undefined
  try {
    if (typeof name !== 'string') await (px === undefined ? c.set(name, data) : c.set(name, data, 'PX', px))
    else await c.sendCommand(new (setCommand())(name, data, px))
  } finally {
    sent?.()
  }
}

export async function writeEntries(c: RedisClient, w: WriteContext, entries: StoredEntry[]): Promise<void> {
  const pipe = c.pipeline()
  const k = (key: string): RedisKey => redisKey(w.prefix, key)
  // a value that cannot be stored (json-loss.ts) is that entry's failure alone: the others are written
  let unstorable: unknown
  const encoded = entries.map(e => {
    try { const data = encodeEntry(e, w.encode); e.size = data.length; return [e.key, data] as [string, Buffer] } catch (error) { unstorable ??= error; return [e.key, undefined] as const }
  })
  // the others are written; the error names those that are not
  const tooLarge = await checkFits(c, encoded.filter((e): e is [string, Buffer] => e[1] !== undefined && e[1].length >= BULK_MIN)).then(() => undefined, (error: unknown) => error as PerfError & { keys: string[] })
  let large = 0
  entries.forEach((e, i) => {
    const px = pxOf(e)
    const data = encoded[i]![1]
    if (data === undefined) pipe.del(k(e.key))
    if (data === undefined || tooLarge?.keys.includes(e.key)) return
    if (px !== undefined && px <= 0) return void pipe.del(k(e.key))
    if (px === undefined) pipe.set(k(e.key), data)
    else pipe.set(k(e.key), data, 'PX', px)
    if (data.length >= BULK_MIN) large += data.length
    w.large.seen(e.key, data.length)
  })
  const sent = large > 0 ? noteTransfer(c, large) : undefined
  try {
    await pipe.exec()
  } finally {
    sent?.()
  }
  if (tooLarge) throw tooLarge
  if (unstorable !== undefined) throw unstorable
}

/**
 * The entry's PX: its ttl + stale window from now; none past MAX_PX, which Redis refuses (a SET
 * with it fails and took the tier down): the envelope's expiry still applies on read.
 */
function pxOf(entry: StoredEntry): number | undefined {
  if (entry.expiresAt === null) return undefined
  const px = Math.ceil(entry.expiresAt + entry.staleFor - Date.now())
  return px > MAX_PX ? undefined : px
}
