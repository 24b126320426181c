/**
 * Calls of perf.cache.fetch() (fetch.ts) in several processes over one Redis tier share one network
 * request per key, as fetch-flights.ts makes calls within a process share one: the process about to
 * fetch takes the key's cross-process lock (redis-lock.ts, wrap()'s); another that finds it held polls
 * the cache until the holder's copy is there (then answers from it), or until the lock is free (then
 * fetches itself: the holder stored nothing). Loaded only with a Redis tier up; a Redis that fails is
 * no failed request: the call goes to the network.
 */
import { isRedisTier, type StoredEntry } from '../../drivers/types.js'
import type { TierGuard } from '../../drivers/tier-guard.js'
import type { RedisTier } from '../../drivers/redis.js'
import { now } from '../clock.js'
import { LOCK_TTL_MS, RedisLock } from './redis-lock.js'
import type { Lookup } from './wrap.js'

const POLL_MS = 50

/** `release`: this process fetches, and lets the others go once its answer is stored; `found`: the copy another process stored meanwhile. */
export type NetworkTurn = { release: () => Promise<void>; found?: undefined } | { found: Lookup; release?: undefined }

/** A Redis tier up among these, whose lock the call takes; undefined: none (no cross-process turn). */
export function redisOf(tiers: TierGuard[]): (TierGuard & { tier: RedisTier }) | undefined {
  return tiers.find(g => isRedisTier(g.tier) && g.up) as (TierGuard & { tier: RedisTier }) | undefined
}

/**
 * `had`: the entry the call found before (undefined: none); a copy written since (another process's
 * answer, a 304's refreshed headers included) is what it waits for. Undefined: go to the network
 * without the lock (Redis failing, the call's signal aborted, a holder seen gone too long).
 */
export async function networkTurn(redis: TierGuard & { tier: RedisTier }, key: string, lookup: (key: string) => Promise<Lookup | null>, had: StoredEntry | undefined, signal: AbortSignal | null | undefined): Promise<NetworkTurn | undefined> {
  const written = async (): Promise<Lookup | undefined> => {
    const found = await lookup(key)
    return found && !found.stale && found.entry.createdAt !== had?.createdAt ? found : undefined
  }
  try {
    const lock = new RedisLock(await redis.tier.client(), redis.tier.lockKey(key), op => redis.call(op))
    const started = now()
    for (;;) {
      if (await lock.tryAcquire()) {
        // another process may have stored its answer between this call's lookup and the lock
        const found = await written()
        if (found) {
          await lock.release()
          return { found }
        }
        lock.keep()
        return { release: () => lock.release().catch(() => {}) }
      }
      if (signal?.aborted) return undefined
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
      const found = await written()
      if (found) return { found }
      await lock.takeOverDead()
      if (now() - Math.max(started, lock.seenHeld) > LOCK_TTL_MS * 2) return undefined
    }
  } catch {
    return undefined
  }
}
