/**
 * How perf.cache.fetch() (fetch.ts) reads and counts the cache it is called on: a namespace's own
 * (namespace.ts, uncounted lookups, each call counted once as its response turned out), or any
 * PerfCache through the public API alone.
 */
import type { TierGuard } from '../../drivers/tier-guard.js'
import type { PerfCache } from '../types.js'
import type { Lookup } from './wrap.js'

/**
 * How the namespace counts a fetch() (namespace.ts): its lookup uncounted, then once, as the response
 * says (`x-unperf-cache`): HIT and REVALIDATED a hit, STALE stale, MISS a miss, BYPASS not at all.
 */
export interface FetchCounts {
  /** `from`: the first tier asked (fetch-gate.ts reads Redis past this process's memory tier). */
  lookup(key: string, from?: number): Promise<Lookup | null>
  hit(key: string, found: Lookup): void
  /** A hit whose entry fetch() has just written anew (the 304's headers): counted and told only. */
  revalidated(key: string, found: Lookup): void
  stale(key: string, found: Lookup): void
  miss(key: string): void
  /** The namespace's tiers: with a Redis one up, calls in several processes share one request (fetch-gate.ts). */
  tiers?(): Promise<TierGuard[]>
}

/** Over the public API alone: getEntry() counts the lookup itself (a hit, or a miss). */
export function countedByGetEntry(cache: PerfCache): FetchCounts {
  const none = (): void => {}
  return {
    lookup: async key => {
      const e = await cache.getEntry(key)
      return e && { entry: { key, staleFor: 0, ...e }, stale: false, tier: 0 }
    },
    hit: none, revalidated: none, stale: none, miss: none,
  }
}
