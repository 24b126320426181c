/**
 * A namespace's management operations, each over every live tier: keys, clear, prune (expired
 * entries and the namespace's maxSize per tier, then the cap over all namespaces), info and verify.
 * A failing tier is reported and skipped, as everywhere in the cache.
 */
import type { TierGuard } from '../../drivers/tier-guard.js'
import { CorruptEntryError, type KeysOptions } from '../../drivers/types.js'
import type { CacheInfo, CacheVerifyResult } from '../types.js'
import type { CacheBudget } from './budget.js'
import type { NamespaceEvents } from './namespace-events.js'
import type { NamespaceTiers } from './namespace-tiers.js'
import type { NamespaceHost } from './namespace-host.js'

/**
 * The user keys of every tier that is up, once each: the live entries (not past their expiry and
 * stale window: what get() returns, or wrap() can still serve stale: what invalidate() and clear()
 * remove and count), each tier filtering its own; `fresh: true` only those not past their ttl
 * (keys(): what has() finds); `expired: true` every stored entry (`unperf cache list`); `match`:
 * only the keys it accepts.
 */
export async function keysOf(tiers: NamespaceTiers, events: NamespaceEvents, options?: KeysOptions): Promise<string[]> {
  const guards = await tiers.guards()
  const all = new Set<string>()
  const match = options?.match
  for (const g of guards) {
    if (!g.up) continue
    // removals a Redis tier missed while down go first: it would list their keys (redis-missed-removals.ts)
    if (g.tier.missed?.pending) await g.tier.missed.apply(op => g.call(op))
    // each tier may filter by match (the fs tier does, to skip reads): the rest is filtered here
    try { for (const k of await g.call(t => t.keys({ staleFor: tiers.staleFor, ...options }))) if (!match || match(k)) all.add(k) } catch (error) { events.report('E_TIER', undefined, error, g.tier) }
  }
  return [...all]
}

/**
 * The key removed from every tier; whether one held it. A Redis tier down (skipped, or its call
 * failed) gets the removal noted, so its entry is not served again (redis-missed-removals.ts).
 */
export async function deleteFromTiers(tiers: NamespaceTiers, events: NamespaceEvents, key: string): Promise<boolean> {
  const guards = await tiers.guards()
  const missed = (g: TierGuard) => { g.tier.missed?.note({ at: Date.now(), key }); return false }
  const results = await Promise.all(guards.map(g => g.up ? g.call(t => t.delete(key)).catch(error => { events.report('E_TIER', key, error, g.tier); return missed(g) }) : missed(g)))
  return results.some(Boolean)
}

/** invalidate(pattern) with a Redis tier down, which could not list its keys: the pattern noted, for its entries no other tier has. */
export function notePatternMissed(tiers: NamespaceTiers, pattern: string | RegExp): void {
  for (const g of tiers.ready ?? []) {
    if (!g.up) g.tier.missed?.note(typeof pattern === 'string' ? { at: Date.now(), glob: pattern } : { at: Date.now(), re: pattern.source, flags: pattern.flags })
  }
}

/**
 * Every entry removed, expired ones included; the count is of the live ones (fresh, or within their
 * stale window: what wrap() could still serve), or with `expired: true` of every stored one
 * (`unperf cache clear`).
 */
export async function clearTiers(tiers: NamespaceTiers, events: NamespaceEvents, options?: KeysOptions): Promise<number> {
  const keys = await keysOf(tiers, events, options)
  const guards = await tiers.guards()
  // a Redis tier down gets it noted (redis-missed-removals.ts): its entries written before are not served again
  const missed = (g: TierGuard) => g.tier.missed?.note({ at: Date.now(), all: true })
  await Promise.all(guards.map(g => g.up ? g.call(t => t.clear()).catch(error => { events.report('E_TIER', undefined, error, g.tier); missed(g) }) : missed(g)))
  events.deleted(keys.length)
  return keys.length
}

export async function pruneTiers(tiers: NamespaceTiers, events: NamespaceEvents, maxSize: number, budget: CacheBudget): Promise<number> {
  const guards = await tiers.guards()
  const removed = new Set<string>()
  const now = Date.now()
  for (const g of guards) {
    if (!g.up) continue
    try {
      for (const r of await g.call(t => t.prune(maxSize, now, tiers.staleFor))) {
        removed.add(r.key)
        events.evicted(r.key, r.reason, r.size, g.tier)
      }
    } catch (error) {
      events.report('E_TIER', undefined, error, g.tier)
    }
  }
  // then the cap over all namespaces (it evicts from any of them, the fs dirs of those not open included)
  let shared = budget.enforceMemory()
  if (guards.some(g => g.up && g.tier.kind === 'fs')) {
    // reported as the fs tier's: its explain() says why a dir refused (a dir it may not list: fs-unwritable.ts)
    try { shared += await budget.enforceFs(true) } catch (error) { events.report('E_EVICT', undefined, error, guards.find(g => g.tier.kind === 'fs')?.tier) }
  }
  return removed.size + shared
}

export async function tiersInfo(tiers: NamespaceTiers, events: NamespaceEvents, maxSize: number, host: NamespaceHost): Promise<CacheInfo> {
  const guards = await tiers.guards()
  let entries = 0
  let bytes = 0
  let dir: string | undefined
  for (const g of guards) {
    if (g.tier.dir) dir ??= g.tier.dir
    if (!g.up) continue
    try {
      const s = await g.call(t => t.stats())
      entries = Math.max(entries, s.entries)
      bytes = Math.max(bytes, s.bytes)
    } catch (error) {
      events.report('E_TIER', undefined, error, g.tier)
    }
  }
  const total = { entries: 0, bytes: 0, maxSize: host.budget.maxBytes }
  if (guards.length > 0) {
    try {
      const t = await host.budget.totals()
      const fs = guards.some(g => g.tier.kind === 'fs')
      total.entries = Math.max(t.memory.entries, fs ? t.fs.entries : 0)
      total.bytes = Math.max(t.memory.bytes, fs ? t.fs.bytes : 0)
    } catch (error) {
      // as the fs tier's, as prune's eviction: its explain() says why a dir refused
      events.report('E_TIER', undefined, error, guards.find(g => g.tier.kind === 'fs')?.tier)
    }
  }
  return {
    driver: guards.map(g => g.tier.kind).join('+') || 'disabled', ...(dir && { dir }), entries, bytes,
    maxSize, total, namespaces: await host.namespaces(),
  }
}

export async function verifyTiers(tiers: NamespaceTiers, events: NamespaceEvents): Promise<CacheVerifyResult> {
  const guards = await tiers.guards()
  let checked = 0
  let corrupt = 0
  for (const g of guards) {
    if (!g.up) continue
    try {
      const r = await g.call(t => t.verify())
      // entries, not copies: as info(), the largest tier's count (memory + fs holding 6 keys checked 6, not 12)
      checked = Math.max(checked, r.checked)
      corrupt += r.corrupt.length
      // each one as a read that met it says it: an error (stats, `cache:error`) and an eviction
      for (const k of r.corrupt) {
        events.report('E_CORRUPT', k, new CorruptEntryError(k, 'found and removed by verify()'), g.tier)
        events.evicted(k, 'corrupt', undefined, g.tier)
      }
    } catch (error) {
      events.report('E_TIER', undefined, error, g.tier)
    }
  }
  return { checked, corrupt, removed: corrupt }
}
