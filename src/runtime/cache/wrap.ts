/**
 * wrap(): one fn call per key at a time: in the process (a pending-call map), and across
 * processes when a redis tier is up (a lock on Redis, kept while fn runs, evicted or not: redis-lock.ts;
 * waiters poll the cache; a holder that died on the same machine is seen at once (lock-holder.ts), one
 * elsewhere blocks others at most until its lock expires; a live one is waited for as long as fn runs). swr serves a stale value
 * and revalidates in the background; staleIfError serves it when fn throws. Errors are never cached.
 */
import { isRedisTier, type StoredEntry, type Tier } from '../../drivers/types.js'
import type { TierGuard } from '../../drivers/tier-guard.js'
import type { RedisTier } from '../../drivers/redis.js'
import type { CacheWrapOptions } from '../types.js'
import { parseDuration } from '../../config/units.js'
import { hashFiles } from './file-hash.js'
import { argumentError } from '../../errors.js'
import { unitsHint } from './cache-input.js'

export interface Lookup {
  entry: StoredEntry
  stale: boolean
  tier: number
}

export interface WrapApi {
  /** The project dir `files` globs are relative to. */
  cwd: string
  namespace: { name: string; config: { swr: number | false; staleIfError: number | false }; _pending: Map<string, Flight>; _revalidating: Set<string> }
  /** `staleFor`: the call's stale window (an entry within it is not removed, even past the one it was written with). */
  /** `servedStale`: ms past its expiry within which a stale entry is returned at once (swr), not looked past. */
  lookup(key: string, staleFor?: number, servedStale?: number): Promise<Lookup | null>
  /** A fresh entry of a synchronous first tier, counted as a hit; undefined otherwise (then lookup()). */
  fresh(key: string): StoredEntry | undefined
  hit(key: string, found: Lookup): StoredEntry
  miss(key: string): void
  stale(key: string, found: Lookup): void
  /** A miss already counted whose call ends up served stale (staleIfError): counted as stale instead. */
  staleAfterMiss(key: string, found: Lookup): void
  /** A miss already counted whose call ends up served the value another process computed meanwhile (it held the lock): counted as a hit instead. */
  hitAfterMiss(key: string, found: Lookup): void
  /** A caller that joined another's call counts as that call turned out (hit, stale or miss). */
  joined(key: string, outcome: Outcome): void
  /** undefined: written synchronously (a memory-only namespace). */
  write(key: string, value: unknown, ttl: CacheWrapOptions['ttl'], staleFor: number): Promise<void> | undefined
  /** `tier`: the one that failed (wrap()'s lock refused: `E_LOCK`). */
  report(code: string, key: string, error: unknown, tier?: Tier): void
  staleFor(options: CacheWrapOptions): number
  track(p: Promise<unknown>): void
  awaitOnClose(p: Promise<unknown>): void
  tiers(): Promise<TierGuard[]>
  /** The tiers once built, else undefined (tiers() builds them). */
  ready(): TierGuard[] | undefined
}

/** How a call was served, for the callers that joined it: each wrap() call counts once in the stats. */
export interface Outcome { served: 'hit' | 'stale' | 'miss'; found: Lookup | null }
/** A call in flight: concurrent callers of its key share it. */
export interface Flight { promise: Promise<unknown>; outcome: Outcome }

export function wrapValue<T>(api: WrapApi, key: string, fn: () => Promise<T> | T, options: CacheWrapOptions): Promise<T> {
  if (options.files && options.files.length > 0) {
    return hashFiles(options.files, api.cwd).then(hash => wrapKey(api, `${key}#files:${hash.slice(0, 16)}`, fn, options))
  }
  // a fresh hit in a synchronous (memory) first tier: no flight, no async frames, nothing kept
  // alive across a tick (under 1 000 concurrent calls, that is what V8 promotes to its old space)
  const entry = api.fresh(key)
  if (entry !== undefined) return Promise.resolve(entry.value as T)
  return wrapKey(api, key, fn, options)
}

function wrapKey<T>(api: WrapApi, fullKey: string, fn: () => Promise<T> | T, options: CacheWrapOptions): Promise<T> {
  const pending = api.namespace._pending
  const inflight = pending.get(fullKey)
  if (inflight) {
    const { outcome } = inflight
    return inflight.promise.then(value => { api.joined(fullKey, outcome); return value as T }, error => { api.joined(fullKey, outcome); throw error })
  }
  const outcome: Outcome = { served: 'miss', found: null }
  const promise = resolveWrap(api, fullKey, fn, options, outcome).finally(() => pending.delete(fullKey))
  pending.set(fullKey, { promise, outcome })
  return promise
}

async function resolveWrap<T>(api: WrapApi, key: string, fn: () => Promise<T> | T, options: CacheWrapOptions, outcome: Outcome): Promise<T> {
  // before fn runs: a bad option must not cost the caller fn's work (or be ignored)
  checkOptions(key, options)
  // the stale windows are the reader's: this call's swr / staleIfError (else the namespace's, as
  // configured now) apply to the entry whatever window it was written with (the stores keep it for
  // that one at least: Redis drops it at its PX, and one dropped is a miss)
  const staleFor = api.staleFor(options)
  const swr = options.swr === undefined ? api.namespace.config.swr : options.swr
  const found = await api.lookup(key, staleFor, swr === false ? 0 : staleWindow(swr))
  outcome.found = found
  if (found && !found.stale) {
    outcome.served = 'hit'
    return api.hit(key, found).value as T
  }
  const now = Date.now()
  if (found && swr !== false && found.entry.expiresAt !== null && now < found.entry.expiresAt + staleWindow(swr)) {
    api.stale(key, found)
    outcome.served = 'stale'
    // revalidate off the caller's path, once per key at a time (the callers served stale meanwhile
    // start none of their own; across processes through produce()'s lock); errors are reported, never cached
    const revalidating = api.namespace._revalidating
    if (!revalidating.has(key)) {
      revalidating.add(key)
      // close() awaits it to its end: a CLI that exits right after the command must not lose the
      // new value (a miss would have waited for fn as long), nor cut it at the 2 s given to promotions
      api.awaitOnClose((async () => {
        try {
          // a slower tier may hold a fresh value (another machine revalidated it into the shared
          // Redis): the lookup promotes it, and fn is not called again
          const fresher = await api.lookup(key, staleFor)
          if (fresher && !fresher.stale) return
          // another process holding the key's lock is revalidating it: its value reaches this one
          // through the shared Redis on the next read, nothing to wait for (nor hold close() on)
          await produce(api, key, fn, options, staleFor, false)
        } catch (error) {
          api.report('E_REVALIDATE', key, error)
        } finally {
          revalidating.delete(key)
        }
      })())
    }
    return found.entry.value as T
  }
  api.miss(key)
  try {
    // no Redis tier up (tiers built: the lookup built them): no lock to take, fn runs in this frame
    // (produce()'s frames and awaits cost a miss ~1.5 kB more, held while fn runs)
    const ready = api.ready()
    if (ready !== undefined && !ready.some(isRedisUp)) {
      const value = await fn()
      const written = api.write(key, value, options.ttl, staleFor)
      if (written !== undefined) await written
      return value
    }
    const produced = await produce(api, key, fn, options, staleFor)
    // fn did not run here: another process held the lock and filled the key (a waiter, or the
    // lookup right after taking the lock). A hit, as a lookup a moment later would have been
    if (produced.filled) {
      api.hitAfterMiss(key, produced.filled)
      outcome.served = 'hit'
      outcome.found = produced.filled
    }
    return produced.value
  } catch (error) {
    const sie = options.staleIfError === undefined ? api.namespace.config.staleIfError : options.staleIfError
    if (found && sie !== false && found.entry.expiresAt !== null && Date.now() < found.entry.expiresAt + staleWindow(sie)) {
      api.staleAfterMiss(key, found)
      outcome.served = 'stale'
      // served, not thrown, yet told: a source failing for the whole window must not go unnoticed
      api.report('E_STALE_IF_ERROR', key, error)
      return found.entry.value as T
    }
    throw error
  }
}

/** What produce() returns: the value, and the entry it came from when another process computed it (fn did not run here). */
export interface Produced<T> { value: T; filled: Lookup | null }

/** `waits`: false gives up when another process holds the key's lock (value undefined). */
async function produce<T>(api: WrapApi, key: string, fn: () => Promise<T> | T, options: CacheWrapOptions, staleFor: number, waits = true): Promise<Produced<T>> {
  const computed = async (): Promise<Produced<T>> => {
    const value = await fn()
    const written = api.write(key, value, options.ttl, staleFor)
    if (written !== undefined) await written
    return { value, filled: null }
  }
  const redis = await redisTier(api)
  if (!redis) return computed()
  // the cross-process lock's code (redis-lock.ts, wrap-lock.ts) loads with the first Redis tier that takes one
  const { produceLocked } = await import('./wrap-lock.js')
  return produceLocked(api, redis, key, computed, staleFor, waits)
}

async function redisTier(api: WrapApi): Promise<(TierGuard & { tier: RedisTier }) | undefined> {
  for (const g of await api.tiers()) if (isRedisUp(g)) return g as TierGuard & { tier: RedisTier }
  return undefined
}

/** A Redis tier that is up: wrap() takes its cross-process lock. */
function isRedisUp(g: TierGuard): boolean {
  return isRedisTier(g.tier) && g.up
}

/**
 * ttl: a duration > 0 or false; swr and staleIfError: a boolean or a duration. Else a TypeError naming
 * the option, and the call as the caller wrote it: `cached`, the name of a cached() function (its
 * options checked at its first call: a string needs this parser, not on the start path).
 */
export function checkOptions(key: string, options: CacheWrapOptions, cached?: string): void {
  const { ttl, swr, staleIfError } = options
  const where = (option: string): string => cached === undefined ? `cache.wrap('${key}')` : `cache.cached(fn, { name: '${cached}', ${option} })`
  if (ttl !== undefined && ttl !== false && !((parseDuration(ttl) ?? 0) > 0)) {
    throw argumentError(`[unperf] ${where('ttl')}: ttl must be a duration > 0 or false, got ${String(ttl)}${unitsHint(ttl)}`)
  }
  for (const [name, value] of [['swr', swr], ['staleIfError', staleIfError]] as const) {
    if (value !== undefined && typeof value !== 'boolean' && parseDuration(value) === undefined) {
      throw argumentError(`[unperf] ${where(name)}: ${name} must be true, false or a duration, got ${String(value)}`)
    }
  }
}

/** A window in ms: the config's `true` resolved to Infinity (parseDuration refuses it: it was read as none). */
function staleWindow(value: number | false | boolean | string): number {
  if (value === true || value === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY
  if (value === false) return 0
  return parseDuration(value) ?? 0
}
