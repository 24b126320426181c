/**
 * wrap()'s value made under a Redis tier's cross-process lock (redis-lock.ts): fn runs in the process
 * that holds it; the others poll the cache for the value it writes. Loaded with the first Redis tier
 * that takes one (wrap.ts): a cache without Redis never reads this code.
 */
import type { RedisTier } from '../../drivers/redis.js'
import { isCommandFault } from '../../drivers/redis-failures.js'
import type { TierGuard } from '../../drivers/tier-guard.js'
import { now as monotonicNow } from '../clock.js'
import { giveUpMs, RedisLock } from './redis-lock.js'
import type { Produced, WrapApi } from './wrap.js'

const POLL_MS = 50

export async function produceLocked<T>(api: WrapApi, redis: TierGuard & { tier: RedisTier }, key: string, computed: () => Promise<Produced<T>>, staleFor: number, waits = true): Promise<Produced<T>> {
  const lock = new RedisLock(await redis.tier.client(), redis.tier.lockKey(key), op => redis.call(op))
  // the monotonic clock, as the lock's seenHeld: a wall clock stepped back kept a waiter here for the step
  const started = monotonicNow()
  for (;;) {
    let acquired = false
    try {
      acquired = await lock.tryAcquire()
    } catch (error) {
      // redis went away: go on without the cross-process lock. One whose ACL refused the lock's key
      // (NOPERM: a user without the lock's keys) is told: every process then runs fn, which nothing
      // said. (A read-only user's refused SET, a full Redis's OOM: the entry's refused write tells it.)
      if (isCommandFault(redis.tier, error) && /^NOPERM.*\bkey/i.test((error as Error).message)) api.report('E_LOCK', key, error, redis.tier)
      return computed()
    }
    if (acquired) {
      lock.keep()
      try {
        // another process may have filled it between our lookup and the lock
        const again = await api.lookup(key, staleFor)
        if (again && !again.stale) return { value: again.entry.value as T, filled: again }
        return await computed()
      } finally {
        // bounded by the tier's timeout like every other remote call: a frozen redis must not hang here
        await lock.release()
      }
    }
    if (!waits) {
      // a revalidation (swr): a holder of this machine killed mid-fn leaves its lock now, not at the
      // lock's expiry, else every process served the stale value unrevalidated meanwhile
      if (await lock.takeOverDead(true)) continue
      return { value: undefined as T, filled: null }
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
    const filled = await api.lookup(key, staleFor)
    if (filled && !filled.stale) return { value: filled.entry.value as T, filled }
    await lock.takeOverDead()
    // gives up on a lock nobody is seen holding (a Redis refusing scripts: SET NX alone tells nothing
    // of its holder); one whose holder keeps it is waited for as long as fn runs there (a 30 s cap
    // made every waiter of a longer fn, a build step of minutes, run it too)
    if (monotonicNow() - Math.max(started, lock.seenHeld) > giveUpMs()) return computed()
  }
}
