/**
 * What a namespace gives wrap() (wrap.ts WrapApi): its lookups, its hits, misses and stale answers
 * counted, its writes, its tiers, its tracked work. Built once per namespace (namespace.ts), on its
 * first wrap(): wrap() is a hot path and must not allocate a dozen closures per call.
 */
import { MemoryTier } from '../../drivers/memory.js'
import { isExpired, type StoredEntry, type Tier } from '../../drivers/types.js'
import type { CacheWrapOptions } from '../types.js'
import { newEntry, wrapStaleWindow } from './entry-windows.js'
import type { CacheNamespace } from './namespace.js'
import type { NamespaceHost } from './namespace-host.js'
import { WRITTEN } from './namespace-tiers.js'
import type { Lookup, Outcome, WrapApi } from './wrap.js'

/** `hit`: the namespace's own (counted, announced, a sliding entry's expiry pushed out). */
export function namespaceWrapApi(ns: CacheNamespace, host: NamespaceHost, hit: (key: string, found: Lookup) => StoredEntry): WrapApi {
  const tiers = ns._tiers
  const events = ns._events
  return {
    namespace: ns,
    cwd: host.ctx.config.cwd,
    lookup: (key: string, staleFor?: number, servedStale?: number) => tiers.lookup(key, staleFor, undefined, servedStale),
    fresh: (key: string): StoredEntry | undefined => {
      const first = tiers.ready?.[0]
      if (first === undefined || !(first.tier instanceof MemoryTier) || !first.up) return undefined
      const entry = first.tier.getSync(key)
      if (entry === null || isExpired(entry, Date.now())) return undefined
      return hit(key, { entry, stale: false, tier: 0 })
    },
    hit,
    miss: (key: string) => events.miss(key),
    stale: (key: string, found: Lookup) => events.stale(key, found),
    staleAfterMiss: (key: string, found: Lookup) => events.staleAfterMiss(key, found),
    hitAfterMiss: (key: string, found: Lookup) => { events.retractMiss(); hit(key, found) },
    // an undefined result is not cached (fn runs again next time), as set() deletes for it;
    // undefined: written synchronously (a memory-only namespace), nothing to await
    write: (key: string, value: unknown, ttl: CacheWrapOptions['ttl'], staleFor: number): Promise<void> | undefined => {
      if (value === undefined) return ns.delete(key).then(() => undefined)
      const written = tiers.write(newEntry(ns.config, key, value, ttl, undefined, staleFor))
      return written === WRITTEN ? undefined : written
    },
    ready: () => tiers.ready,
    report: (code: string, key: string, error: unknown, tier?: Tier) => events.report(code, key, error, tier),
    staleFor: (options: CacheWrapOptions) => wrapStaleWindow(ns.config, options),
    joined: (key: string, outcome: Outcome) => events.joined(key, outcome),
    track: (p: Promise<unknown>) => host.track(p),
    awaitOnClose: (p: Promise<unknown>) => host.awaitOnClose(p),
    tiers: () => tiers.guards(),
  }
}
