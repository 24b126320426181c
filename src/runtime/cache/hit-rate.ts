/**
 * A cache's lookups and hit rate, one definition for stats(), reports, history, budgets and the console.
 * A stale value served (swr, staleIfError) came from the cache (its `cache:hit` says `stale: true`):
 * it counts as served, as CDNs count a stale hit, so a run that served only stale values has lookups
 * and a hit rate of 1, not "no cache lookups".
 */
export interface LookupCounts { hits: number; misses: number; stale?: number | undefined }

/** Every lookup counted once: a hit, a stale value served, or a miss. */
export function lookupsOf(s: LookupCounts): number {
  return s.hits + (s.stale ?? 0) + s.misses
}

/** Lookups answered from the cache (hits and stale values served) over all lookups; 0 with none. */
export function hitRateOf(s: LookupCounts): number {
  const lookups = lookupsOf(s)
  return lookups === 0 ? 0 : (s.hits + (s.stale ?? 0)) / lookups
}
