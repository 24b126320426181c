/**
 * A storage tier of one cache namespace. Byte tiers (fs, redis, any unstorage driver) store an
 * encoded envelope; the memory tier stores entries as they are.
 */
import type { RedisHealth } from './redis-health.js'
import type { MissedRemovals } from './redis-missed-removals.js'
import type { RedisTier } from './redis.js'
import type { UnstorageTier } from './unstorage.js'

export interface StoredEntry {
  /** The user's key, exactly as given. */
  key: string
  value: unknown
  /** ms since epoch */
  createdAt: number
  /** ms since epoch; null = never expires */
  expiresAt: number | null
  /**
   * The stale window it was written with (the writer's swr / staleIfError, ms): how long past expiry
   * the stores keep it at least (Redis: its PX). Whether a stale entry is served is decided at read
   * by the reader's window (isLive's `staleFor`), for as long as a store still holds it.
   */
  staleFor: number
  /**
   * Bytes stored: the encoded envelope (after compression), what a byte tier holds. A byte tier's
   * set() records it here once encoded, so a memory tier's copy of a write reports it too (getEntry()
   * gives the same size in every tier and process); 0 for a new entry until a tier sizes it (a
   * memory-only namespace: the value's estimate).
   */
  size: number
  metadata?: Record<string, unknown>
}

export interface Tier {
  /** 'memory', 'fs', 'redis', or an unstorage driver name. */
  readonly kind: string
  /** Remote tiers get the per-operation timeout and are skipped while down. */
  readonly remote: boolean
  /** A miss is null. A corrupt entry throws CorruptEntryError after the tier removed it. */
  get(key: string): Promise<StoredEntry | null>
  getMany(keys: string[]): Promise<(StoredEntry | null | CorruptEntryError)[]>
  /** A byte tier sets `entry.size` to the envelope's bytes once encoded (StoredEntry.size). */
  set(entry: StoredEntry): Promise<void>
  setMany(entries: StoredEntry[]): Promise<void>
  delete(key: string): Promise<boolean>
  /**
   * The user keys of this namespace's live entries (isLive: not past their expiry and stale window,
   * what a lookup can still return); `expired: true` lists every stored entry, expired ones
   * included (`unperf cache list`). Lists only: an expired entry stays until a lookup of it,
   * prune() or the sweep removes it.
   */
  keys(options?: KeysOptions): Promise<string[]>
  clear(): Promise<number>
  /**
   * Remove expired entries (not live: past their expiry and the longer of their own stale window
   * and `staleFor`, the namespace's current one), then least recently used ones down to maxBytes.
   * Returns the removed keys.
   */
  prune(maxBytes: number, now: number, staleFor?: number): Promise<{ key: string; reason: 'expired' | 'lru' | 'corrupt'; size: number }[]>
  /** Scan every entry; corrupt ones are removed. */
  verify(): Promise<{ checked: number; corrupt: string[] }>
  stats(): Promise<{ entries: number; bytes: number }>
  /** Opportunistic sweep after a write: prune() when the last sweep of this namespace is old (cheap otherwise). */
  sweep?(maxBytes: number, now: number, staleFor?: number): Promise<{ key: string; reason: 'expired' | 'lru' | 'corrupt'; size: number }[]>
  /** Called after each set: evict down to maxBytes when over (cheap when under). */
  enforce?(maxBytes: number): Promise<{ key: string; reason: 'lru' | 'expired'; size: number }[]>
  close(): Promise<void>
  /**
   * Resolves once the tier's modules are loaded (ioredis, an unstorage driver), without waiting for
   * the network: a caller that bounds a few calls in time (the history driver) waits for this first,
   * so its bound measures the remote, not a cold import on a busy CI machine. Rejects as its calls would.
   */
  loaded?(): Promise<unknown>
  readonly dir?: string
  /** The error to report for a failed call (error path only): a remote tier's connection error for its client's generic one. */
  explain?(error: unknown): unknown
  /**
   * A faster tier answered a lookup of `key` (a memory tier in front): a tier that keeps its own
   * least-recently-used order (fs) notes the use, as its own hit would (no I/O now), so its
   * evictions (here and in the next process) do not take the entry the CLI used last.
   */
  usedAbove?(key: string): void
  /**
   * A remote tier's cheapest round trip (Redis: PING), to find out in the background whether a tier
   * marked down is back (TierGuard): resolves on an answer.
   */
  probe?(): Promise<unknown>
  /** A remote tier whose connection is made (Redis: ready): its probe gets the calls' bound, not the first call's 1 s. */
  connected?(): boolean
  /** A remote tier's connection health, shared with every other user of the same connection in the process (redis-health.ts). */
  readonly health?: RedisHealth
  /** A Redis tier's removals made while it was down, not applied to it yet (redis-missed-removals.ts). */
  readonly missed?: MissedRemovals
  /**
   * Bytes a remote tier's connection has received so far (Redis: its socket's): a call due while a
   * large reply is still arriving waits on (call-deadlines.ts). Without it, calls end at their timeout.
   */
  bytesRead?(): number
  /**
   * Until when (performance.now() ms) the connection is expected to be busy moving the large values
   * in flight (written, or read of a key known to hold one), at TRANSFER_FLOOR: the calls due before
   * then wait on (call-deadlines.ts).
   */
  transferUntil?(): number
  /**
   * Round trips a remote tier's operations over many keys (a listing, a clear, a check: Redis SCAN and
   * the batches after it) have had answered so far: a call due while that count still grows waits on
   * (call-deadlines.ts), as 100 000 keys take seconds on a healthy Redis.
   */
  rounds?(): number
  /**
   * Since when (performance.now() ms) the remote tier's connection has waited for an answer it is
   * owed (a connect, replies) without moving; undefined when it is owed none (Redis:
   * redis-progress.ts). A timeout on a connection owed nothing, or that moved shortly before, is
   * this process's slowness, not the remote's (timeout-blame.ts). Without it, timeouts are not judged.
   */
  owedSince?(): number | undefined
}

/**
 * A Redis tier (redis.ts), told apart without its module: a cache without one never loads it
 * (tiers.ts). By its lock keys, which no other tier has (an unstorage driver named 'redis' is not one).
 */
export function isRedisTier(tier: Tier): tier is RedisTier {
  return typeof (tier as Partial<RedisTier>).lockKey === 'function'
}

/** An unstorage tier (unstorage.ts), told apart without its module: by the listing of its stored keys, which no other tier has. */
export function isUnstorageTier(tier: Tier): tier is UnstorageTier {
  return typeof (tier as Partial<UnstorageTier>).storedKeys === 'function'
}

/**
 * The slowest a healthy remote tier is expected to move a large value, in bytes per ms (8 MiB/s, a
 * 64 Mbit/s link; loopback and a LAN do ten to a hundred times that): a write of N bytes is given
 * N / TRANSFER_FLOOR ms beyond `cache.timeout`, and a reply arriving at least this fast keeps its
 * call, and those behind it, from timing out (call-deadlines.ts).
 */
export const TRANSFER_FLOOR = (8 * 1024 * 1024) / 1000

export interface KeysOptions {
  /** Also the entries past their expiry and stale window, not removed yet. @default false */
  expired?: boolean
  /**
   * Only the fresh entries (not past their ttl: isExpired), what get() and has() find: keys()'s
   * listing. Without it, the entries within their stale window too (what wrap() can still serve:
   * those invalidate() and clear() remove and count). @default false
   */
  fresh?: boolean
  /**
   * The namespace's current stale window (ms, its swr / staleIfError): an entry is live for the
   * longer of this and the window it was written with (isLive). @default 0 (the entry's own)
   */
  staleFor?: number
  /**
   * Only the keys this accepts (invalidate()'s pattern): a tier that can tell an entry's key without
   * reading it (the fs tier's readable file names) skips reading the others. @default every key
   */
  match?: (key: string) => boolean
}

/** How far ahead of the clock an entry's write time may be (clocks of processes sharing a cache, a coarse clock) before it is not trusted. */
export const CLOCK_SKEW_MS = 60_000

/**
 * An entry with a ttl written more than CLOCK_SKEW_MS after `now`: stamped while the clock was
 * ahead (a VM whose clock NTP then set back by hours), its expiry is as far ahead as the clock was,
 * so it would outlive its ttl by the jump, fresh until the clock caught up. Expired (no stale
 * window either), on every tier: the envelope's times are read the same everywhere. An entry
 * without a ttl never expires, whenever it was written.
 */
function stampedAhead(entry: { createdAt: number; expiresAt: number | null }, now: number): boolean {
  return entry.expiresAt !== null && entry.createdAt > now + CLOCK_SKEW_MS
}

/** Past its ttl at `now`, or stamped ahead of the clock (stampedAhead). */
export function isExpired(entry: { createdAt: number; expiresAt: number | null }, now: number): boolean {
  return entry.expiresAt !== null && (entry.expiresAt <= now || stampedAhead(entry, now))
}

/**
 * An entry a lookup can still return at `now`: fresh, or past its ttl but within its stale window
 * (`swr` / `staleIfError`: wrap() may serve it), and not stamped ahead of the clock. The others are
 * removed by the lookup that meets them, prune() and the sweep. The stale window is the longer of
 * the one the entry was written with and `staleFor`, the reader's (the namespace's current swr /
 * staleIfError, or a wrap() call's): a window that grew since the write applies to the entries
 * already stored, as long as a store still holds them (Redis drops a key at its PX, set at write).
 */
export function isLive(entry: { createdAt: number; expiresAt: number | null; staleFor: number }, now: number, staleFor = 0): boolean {
  return entry.expiresAt === null || (now < entry.expiresAt + Math.max(entry.staleFor, staleFor) && !stampedAhead(entry, now))
}

/** Whether keys(options) lists the entry at `now`: fresh with `fresh`, else live (isLive). */
export function isListed(entry: { createdAt: number; expiresAt: number | null; staleFor: number }, now: number, options: KeysOptions | undefined): boolean {
  return options?.fresh ? !isExpired(entry, now) : isLive(entry, now, options?.staleFor)
}

export class CorruptEntryError extends Error {
  override name = 'CorruptEntryError'
  code = 'E_CORRUPT'
  constructor(readonly key: string, readonly reason: string) {
    super(`[unperf] corrupt cache entry '${key}': ${reason}`)
  }
}
