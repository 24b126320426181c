/**
 * The redis tier's operations over every key it stores (those under its prefix, listed with SCAN):
 * the live keys (keys()), clear(), verify(), stats(), and which keys hold another type than a string
 * (a hash, a list: a corrupt entry, never a tier failure). The entries' own reads and writes:
 * redis.ts.
 */
import { decodeEntry, headerBytes, readHeader } from './envelope.js'
import { isListed, type KeysOptions } from './types.js'
import { escapeGlob } from './redis-scopes.js'
import type { RedisClient } from './redis-connection.js'
import { keyOfName, redisKey } from './redis-key.js'

/** Entry headers liveKeys() reads in one round trip (a pipeline of GETRANGE). */
const KEYS_BATCH = 1000

/**
 * Round trips answered so far, per connection, of these operations: each takes one round trip per
 * 1000 keys or so, and 100 000 keys take seconds, far more than `cache.timeout`. A call due while
 * they still move on waits on (call-deadlines.ts); a Redis that stops answering moves them no more.
 */
const rounds = new WeakMap<RedisClient, number>()
const answered = (c: RedisClient) => void rounds.set(c, (rounds.get(c) ?? 0) + 1)

/** How many round trips of listings, clears and checks the connection has had answered (see rounds). */
export function roundsOf(c: RedisClient | undefined): number {
  return c === undefined ? 0 : rounds.get(c) ?? 0
}

/** Every key under the prefix (without it), expired ones not yet dropped by Redis included. */
export async function scanKeys(c: RedisClient, prefix: string): Promise<string[]> {
  const out: string[] = []
  const pattern = escapeGlob(prefix) + '*'
  const prefixBytes = Buffer.byteLength(prefix)
  let cursor = '0'
  do {
    // names as bytes: a key with a lone surrogate is stored as WTF-8 (redis-key.ts), which a UTF-8 string loses
    const [next, batch] = await c.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', 1000)
    answered(c)
    cursor = next.toString()
    for (const k of batch) out.push(keyOfName(k, prefixBytes))
  } while (cursor !== '0')
  return out
}

/**
 * The keys of the live entries, as get() finds them: Redis drops an entry at the end of its stale
 * window itself (PX = ttl + stale window, rounded up to the ms; SCAN never returns a key past its
 * expiry), but an entry stamped ahead of the clock (written while it was ahead, types.ts isLive)
 * is expired for get() long before its PX ends: each listed entry's header is read (a pipelined
 * GETRANGE of its first bytes, 1000 keys a round trip) and those left out. A header that cannot
 * be read (an earlier format's, a value of another type) stays listed: get() tells what it is.
 * `expired`: every stored key, no read; `match`: applied before the reads.
 */
export async function liveKeys(c: RedisClient, prefix: string, options?: KeysOptions): Promise<string[]> {
  const match = options?.match
  const listed = await scanKeys(c, prefix)
  const names = match ? listed.filter(k => match(k)) : listed
  if (options?.expired) return names
  const out: string[] = []
  const now = Date.now()
  for (let i = 0; i < names.length; i += KEYS_BATCH) {
    const batch = names.slice(i, i + KEYS_BATCH)
    const pipe = c.pipeline()
    for (const k of batch) pipe.getrangeBuffer(redisKey(prefix, k), 0, headerBytes(k) - 1)
    const heads = (await pipe.exec()) ?? []
    answered(c)
    batch.forEach((k, j) => {
      const [error, head] = heads[j] ?? []
      // gone since the scan (expired, deleted): an empty string
      if (!error && Buffer.isBuffer(head) && head.length === 0) return
      const header = !error && Buffer.isBuffer(head) ? readHeader(head) : undefined
      if (header === undefined || header.key !== k || isListed(header, now, options)) out.push(k)
    })
  }
  return out
}

/** Every stored key removed; how many there were. */
export async function clearKeys(c: RedisClient, prefix: string): Promise<number> {
  const keys = await scanKeys(c, prefix)
  for (let i = 0; i < keys.length; i += 500) {
    await c.del(...keys.slice(i, i + 500).map(k => redisKey(prefix, k)))
    answered(c)
  }
  return keys.length
}

/** Every stored entry decoded (its checksum checked); those that fail, or hold another type, removed. */
export async function verifyKeys(c: RedisClient, prefix: string): Promise<{ checked: number; corrupt: string[] }> {
  const keys = await scanKeys(c, prefix)
  const corrupt: string[] = []
  for (let i = 0; i < keys.length; i += 200) {
    const batch = keys.slice(i, i + 200)
    const values = await c.mgetBuffer(...batch.map(k => redisKey(prefix, k)))
    answered(c)
    const nulls: string[] = []
    values.forEach((data, j) => {
      if (data === null) return void nulls.push(batch[j]!)
      try { decodeEntry(data, batch[j], true) } catch { corrupt.push(batch[j]!) }
    })
    // MGET answers nil for a key of another type (a hash, a list): listed, so not expired since
    if (nulls.length) corrupt.push(...await ofAnotherType(c, prefix, nulls))
  }
  if (corrupt.length) await c.del(...corrupt.map(k => redisKey(prefix, k)))
  return { checked: keys.length, corrupt }
}

/** How many keys, and their values' bytes (a pipelined STRLEN each). */
export async function keyStats(c: RedisClient, prefix: string): Promise<{ entries: number; bytes: number }> {
  const keys = await scanKeys(c, prefix)
  let bytes = 0
  for (let i = 0; i < keys.length; i += 500) {
    const pipe = c.pipeline()
    for (const k of keys.slice(i, i + 500)) pipe.strlen(redisKey(prefix, k))
    for (const [error, n] of (await pipe.exec()) ?? []) if (!error) bytes += Number(n)
    answered(c)
  }
  return { entries: keys.length, bytes }
}

/** Which of `keys` (MGET answered nil for them) hold another type than a string: one pipelined TYPE each. */
export async function ofAnotherType(c: RedisClient, prefix: string, keys: string[]): Promise<string[]> {
  const pipe = c.pipeline()
  for (const k of keys) pipe.type(redisKey(prefix, k))
  const types = (await pipe.exec()) ?? []
  return keys.filter((_, j) => {
    const [error, type] = types[j] ?? []
    return !error && type !== 'string' && type !== 'none'
  })
}
