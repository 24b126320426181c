/**
 * wrap()'s cross-process lock of one key on Redis (`lock:<prefix><key>`, the key encoded as its entry's
 * name is: drivers/redis-key.ts; PX 5 s, its holder in its value: lock-holder.ts). A Redis with
 * `maxmemory` and an `allkeys-*` policy may evict it while its holder runs fn: every waiter then took
 * it on its next poll (50 ms) and ran fn too (4 processes on one key: fn ran 4 times at once). Now
 * - the holder keeps it every second: its expiry pushed back, or the lock written again when it is gone;
 * - a waiter that saw it held takes a lock that vanished only once it stayed gone for longer than that
 *   (VANISHED_GRACE_MS): its holder, alive, wrote it again meanwhile;
 * - a holder done leaves `released <token>` for that long instead of deleting it, so its waiters do not
 *   wait the grace when fn threw (nothing to read): they take it at once.
 * At worst (the lock evicted again and again faster than its holder writes it back) fn runs more than
 * once, never a caller served a value fn did not produce for its key. A Redis that refuses scripts
 * (an ACL without EVAL) gets plain `SET NX` and the lock's expiry, as before.
 */
import type { RedisClient } from '../../drivers/redis-connection.js'
import type { RedisKey } from '../../drivers/redis-key.js'
import type { GuardedCall } from '../../drivers/redis-scopes.js'
import { now } from '../clock.js'
import { holderIsGone, lockToken } from './lock-holder.js'

/**
 * The lock's lease, pushed back every second while fn runs (keep()): short, so a holder killed
 * mid-fn (SIGKILL, a machine lost) on another machine frees the key within 5 s (15 s until s32:
 * meanwhile a stale value was served and nothing revalidated it), yet a live holder whose event
 * loop stalls for up to 4 s (a synchronous step in fn) keeps it.
 */
export let LOCK_TTL_MS = 5_000
/**
 * Test hook (not exported by the package): a shorter expiry, so a test can run a holder past it and
 * its waiters' grace in seconds rather than 19 s (test/cache/multiprocess.test.ts). Returns the previous one.
 */
export function setLockTtlForTests(ms: number): number {
  const previous = LOCK_TTL_MS
  LOCK_TTL_MS = ms
  return previous
}
/**
 * A Redis refusing scripts has no keep (SET NX alone cannot push back only its own lock): the lease
 * is then the whole of fn's run, as long as the lock was before keeps (15 s).
 */
function scriptlessLease(): number {
  return LOCK_TTL_MS * 3
}
/**
 * How long a waiter waits on a lock nobody is seen holding before it goes on without it (wrap():
 * runs fn itself; fetch-gate.ts: makes its own request): two scriptless leases (30 s). A holder
 * seen holding is waited for as long as it keeps the lock, so this matters where no holder is
 * seen: a Redis refusing scripts, whose SET NX lease (15 s) is the holder's whole run. One rule
 * for both: fetch's own 10 s (LOCK_TTL_MS * 2) gave up within a holder's lease, its request
 * then made twice.
 */
export function giveUpMs(): number {
  return scriptlessLease() * 2
}
/** How often a holder keeps its lock (see above). */
const KEEP_MS = 1000
/** How long a waiter that saw the lock held waits for a vanished one to come back before taking it: three keeps. */
const VANISHED_GRACE_MS = 3 * KEEP_MS
/** How often a waiter looks whether the lock's holder died (a process of this machine). */
const HOLDER_CHECK_MS = 250
const RELEASED = 'released '

/**
 * ARGV: token, ttl, may take a missing lock ('1'). 1: taken (missing, or a holder's `released` mark);
 * the holder's value: held; 0: missing but not to be taken yet (the grace).
 */
const ACQUIRE = `local held = redis.call('get', KEYS[1])
if held and string.sub(held, 1, ${RELEASED.length}) ~= '${RELEASED}' then return held end
if not held and ARGV[3] ~= '1' then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`
/** The holder's keep: its expiry pushed back, or the lock written again when it was evicted. 0: another caller holds it now. */
const KEEP = `local held = redis.call('get', KEYS[1])
if held == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not held then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`
/** The holder's release: its `released` mark, for the grace, while it still holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], '${RELEASED}' .. ARGV[1], 'PX', ARGV[2]) else return 0 end`
/** Deletes the lock (KEYS[1]) only while it still holds the value ARGV[1]: the takeover of a dead holder's. */
const DELETE_IF_HELD_BY = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

/** Clients that refused a script (an ACL without EVAL): plain SET NX for them. */
const scriptless = new WeakSet<RedisClient>()

/**
 * EVAL itself refused: an ACL without it (NOPERM), a server that renamed or disabled it. Not a reply
 * of the moment (a full `noeviction` Redis's OOM, a replica's READONLY): taken for this, one OOM left
 * the process without the keep and the grace for good, its waiters taking an evicted lock at once.
 */
function isScriptRefused(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | null
  return e?.name === 'ReplyError' && typeof e.message === 'string' && /^(NOPERM|ERR unknown command|ERR unknown or disabled command)/i.test(e.message)
}

export class RedisLock {
  private readonly _token = lockToken()
  /**
   * When this caller last saw the lock held by another one, on the monotonic clock (-Infinity: not
   * since it started, or its holder died). Not the wall clock: NTP stepping it back an hour while a
   * waiter waited kept that waiter off a vanished lock (the grace) and from giving up, for the hour.
   */
  private _seenHeld = Number.NEGATIVE_INFINITY
  private _holder: string | undefined
  private _holderChecked = now()
  private _keep: NodeJS.Timeout | undefined

  /** `call`: the tier's guard (bounded by cache.timeout); a failure means Redis went away. */
  constructor(private readonly _client: RedisClient, private readonly _key: RedisKey, private readonly _call: GuardedCall) {}

  /** When this caller last saw the lock held by another one (ms on clock.ts's now(); -Infinity: never, or its holder died). */
  get seenHeld(): number {
    return this._seenHeld
  }

  /** Takes the lock if it is free; throws when Redis cannot be asked. */
  async tryAcquire(): Promise<boolean> {
    const c = this._client
    if (!scriptless.has(c)) {
      const mayTake = now() - this._seenHeld >= VANISHED_GRACE_MS ? '1' : '0'
      try {
        const r = await this._call(() => c.eval(ACQUIRE, 1, this._key, this._token, LOCK_TTL_MS, mayTake))
        if (r === 1) return true
        if (typeof r === 'string') {
          this._seenHeld = now()
          this._holder = r
        }
        return false
      } catch (error) {
        if (!isScriptRefused(error)) throw error
        scriptless.add(c)
      }
    }
    return (await this._call(() => c.set(this._key, this._token, 'PX', scriptlessLease(), 'NX'))) === 'OK'
  }

  /** While fn runs: keeps the lock every second (unref'd: it never keeps the process up). */
  keep(): void {
    let pending = false
    this._keep = setInterval(() => {
      // one at a time: a frozen Redis must not pile them up
      if (pending || scriptless.has(this._client)) return
      pending = true
      this._client.eval(KEEP, 1, this._key, this._token, LOCK_TTL_MS).catch(() => 0).finally(() => { pending = false })
    }, KEEP_MS)
    this._keep.unref()
  }

  /** fn done (or threw): its waiters may take the lock at once. Never throws. */
  async release(): Promise<void> {
    clearInterval(this._keep)
    await this._call(() => this._client.eval(RELEASE, 1, this._key, this._token, VANISHED_GRACE_MS)).catch(() => {})
  }

  /**
   * A waiter's look (every 250 ms; `atOnce`: this once, now: a caller that does not wait) at whether
   * the holder is a process of this machine that died: its lock goes now. True: it went.
   */
  async takeOverDead(atOnce = false): Promise<boolean> {
    if (!atOnce && now() - this._holderChecked < HOLDER_CHECK_MS) return false
    this._holderChecked = now()
    try {
      const held = scriptless.has(this._client) ? await this._call(() => this._client.get(this._key)) : this._holder
      if (held === null || held === undefined || !holderIsGone(held)) return false
      await this._call(() => this._client.eval(DELETE_IF_HELD_BY, 1, this._key, held))
      // gone for good: no grace to wait for
      this._seenHeld = Number.NEGATIVE_INFINITY
      this._holder = undefined
      return true
    } catch {
      return false // redis went away: the next acquire says so
    }
  }
}
