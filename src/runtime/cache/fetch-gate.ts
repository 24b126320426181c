/**
 * Calls of perf.cache.fetch() (fetch.ts) in several processes over one Redis tier share one network
 * request per key, as fetch-flights.ts makes calls within a process share one: the process about to
 * fetch takes the key's cross-process lock (redis-lock.ts, wrap()'s); another that finds it held polls
 * the cache until the holder's copy is there (then answers from it, a revalidated no-cache copy as
 * well: the holder's request was this call's), or until the lock is free (then fetches itself: the
 * holder stored nothing). The poll reads from the Redis tier on: a faster tier of the process
 * (memory) still holds the copy the call found, and the holder's copy is promoted into it. A Redis
 * that fails is no failed request: the call goes to the network.
 */
import { isRedisTier, type StoredEntry } from '../../drivers/types.js'
import type { TierGuard } from '../../drivers/tier-guard.js'
import type { RedisTier } from '../../drivers/redis.js'
import { now } from '../clock.js'
import { giveUpMs, RedisLock } from './redis-lock.js'
import type { Lookup } from './wrap.js'

const POLL_MS = 50

/**
 * `release`: this process holds the lock and fetches, and lets the others go once its answer is stored.
 * `found` alone: the copy another process stored or revalidated during the turn, the origin's answer
 * to its request, which answers this call as it is. `found` with `release`: a copy newer than the
 * call's, in Redis before the turn (this process's memory tier was behind): the call answers from it,
 * revalidating it under the lock if it must.
 */
export interface NetworkTurn { release?: () => Promise<void>; found?: Lookup }

/**
 * `tiers`: the namespace's, the lock taken on the first Redis tier up among them. `lookup(key, from)`:
 * the key's entry in the tiers from index `from` on. `had`: the entry the call found before
 * (undefined: none); a copy written since (another process's answer, a 304's refreshed headers
 * included) is what it waits for. Undefined: go to the network without the lock (no Redis tier up,
 * Redis failing, the call's signal aborted, a holder seen gone too long).
 *
 * "Since" is told by createdAt, no clock compared: with no copy found, any copy; with one, a copy
 * other than the one Redis held when the turn began (read first): another process may have
 * revalidated the copy long before, while this process's memory tier kept the older one, and that
 * copy was no answer to this call's request.
 */
export async function networkTurn(tiers: TierGuard[], key: string, lookup: (key: string, from: number) => Promise<Lookup | null>, had: StoredEntry | undefined, signal: AbortSignal | null | undefined): Promise<NetworkTurn | undefined> {
  const from = tiers.findIndex(g => isRedisTier(g.tier) && g.up)
  if (from < 0) return undefined
  const redis = tiers[from] as TierGuard & { tier: RedisTier }
  try {
    // read as stored (no lookup: a copy it found would be promoted into the memory tier, where the calls
    // that wait in this process would take it for the one the turn confirmed)
    const before = had && (await redis.call(t => t.get(key)))?.createdAt
    const newer = async (than: number | undefined): Promise<Lookup | undefined> => {
      const found = await lookup(key, from)
      return found && !found.stale && found.entry.createdAt !== than ? found : undefined
    }
    const lock = new RedisLock(await redis.tier.client(), redis.tier.lockKey(key), op => redis.call(op))
    const started = now()
    for (;;) {
      if (await lock.tryAcquire()) {
        // another process may have stored its answer between this call's lookup and the lock
        const found = await newer(before)
        if (found) {
          await lock.release()
          return { found }
        }
        lock.keep()
        const release = (): Promise<void> => lock.release().catch(() => {})
        return { release, found: had && before !== had.createdAt ? await newer(had.createdAt) : undefined }
      }
      if (signal?.aborted) return undefined
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
      const found = await newer(before)
      if (found) return { found }
      await lock.takeOverDead()
      // wrap()'s rule (redis-lock.ts giveUpMs): 10 s here gave up on a scriptless Redis's holder within its 15 s lease
      if (now() - Math.max(started, lock.seenHeld) > giveUpMs()) return undefined
    }
  } catch {
    return undefined
  }
}
