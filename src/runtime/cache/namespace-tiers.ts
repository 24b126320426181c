/**
 * One namespace's tiers: built once the scope is known (on first use), read through (the first live
 * entry; one found in a slower tier is promoted to the faster ones, its remaining TTL kept), written
 * through, and kept within their limits after writes (namespace-limits.ts: the namespace's maxSize,
 * an occasional sweep of expired entries, then the cap over all namespaces). A failing tier is
 * reported and skipped: a miss or a skipped write, never an error for the caller.
 */
import type { ResolvedNamespaceConfig } from '../../config/types.js'
import { MemoryTier } from '../../drivers/memory.js'
import { guardTiers, type TierGuard } from '../../drivers/tier-guard.js'
import { CorruptEntryError, isExpired, isLive, isRedisTier, type StoredEntry } from '../../drivers/types.js'
import type { NamespaceEvents } from './namespace-events.js'
import type { NamespaceHost } from './namespace-host.js'
import type { Lookup } from './wrap.js'
import { NamespaceLimits } from './namespace-limits.js'

/** What a synchronous write returns: no promise of its own (wrap() awaits nothing for it). */
export const WRITTEN: Promise<void> = Promise.resolve()

/**
 * A write a tier missed: a Redis tier gets each key's older value noted as removed (redis-missed-removals.ts).
 * False: not stored. `error`, the write's failure, tells what was missed: a value Redis refused as too
 * large (E_TOO_LARGE) left the older value of its `keys` alone, the others written; a value it cannot
 * store (E_VALUE) had its key deleted there, the others written: nothing left to note. Any other
 * failure (down, a timeout, a closed connection) missed them all.
 */
function missedWrite(g: TierGuard, entries: StoredEntry[], error?: unknown): false {
  if (g.tier.missed === undefined) return false
  const e = error as { code?: unknown; keys?: unknown } | undefined
  const keys = e?.code === 'E_VALUE' ? [] : e?.code === 'E_TOO_LARGE' && Array.isArray(e.keys) ? e.keys as string[] : entries.map(entry => entry.key)
  for (const key of keys) g.tier.missed.note({ at: Date.now(), key }, true)
  return false
}

/**
 * A hit in tier `t`: the slower tiers that keep their own LRU order (fs) note the use. Without it an
 * fs tier behind a memory tier saw only the writes: the entry a run used most was the first its
 * size limit evicted, in that run and (its access times written back at close) in the next.
 */
export function usedAbove(guards: readonly TierGuard[], t: number, key: string): void {
  for (let j = t + 1; j < guards.length; j++) guards[j]!.tier.usedAbove?.(key)
}

export class NamespaceTiers {
  private _guards: Promise<TierGuard[]> | undefined
  /** The tiers once built: the hot paths use them without awaiting a promise. */
  ready: TierGuard[] | undefined
  /** Its limits, kept after each write (namespace-limits.ts). */
  private readonly _limits: NamespaceLimits

  constructor(
    private readonly _name: string,
    private readonly _config: ResolvedNamespaceConfig,
    private readonly _host: NamespaceHost,
    private readonly _enabled: boolean,
    private readonly _events: NamespaceEvents,
    /**
     * The namespace's current stale window (ms, the longer of its swr and staleIfError): an entry
     * is live for the longer of this and the window it was written with (a window that grew since
     * applies to the entries already stored): lookups, keys(), prune() and the sweep alike.
     */
    readonly staleFor: number,
  ) {
    _events.tiers = () => this.ready
    this._limits = new NamespaceLimits(_config, _host, _events, staleFor)
  }

  guards(): Promise<TierGuard[]> {
    if (this._guards === undefined) this.guardsNow()
    return (this._guards ??= this._enabled
      ? this._host.tiers(this._name, this._config).then(
        tiers => guardTiers(tiers, this._host.ctx.config.cache.timeout, (tier, error) => this._events.down(error, tier)),
      ).then(
        guards => {
          // a Redis tier marks the scope used (once per process) and prunes unused scopes (once a day), bounded by its guard
          for (const g of guards) if (isRedisTier(g.tier) && g.up) this._host.track(g.tier.scopeUpkeep(op => g.call(op)))
          return (this.ready = guards)
        },
        error => { this._events.report('E_INIT', undefined, error); return [] },
      )
      : Promise.resolve([]))
  }

  /**
   * The tiers, built now if the host can make them at once (NamespaceHost.tiersNow); undefined:
   * guards() builds them (a first namespace, a remote tier).
   */
  guardsNow(): TierGuard[] | undefined {
    if (this.ready !== undefined || this._guards !== undefined || !this._enabled) return this.ready
    const tiers = this._host.tiersNow?.(this._name, this._config)
    if (tiers === undefined) return undefined
    const guards = guardTiers(tiers, this._host.ctx.config.cache.timeout, (tier, error) => this._events.down(error, tier))
    // local tiers: guarded at once (a remote tier's guard is loaded first: tiersNow gives none)
    if (!Array.isArray(guards)) {
      this._guards = guards.then(g => (this.ready = g))
      return undefined
    }
    this._guards = Promise.resolve(guards)
    return (this.ready = guards)
  }

  // --- reads ---

  /**
   * The first live entry through the tiers (expired ones within their stale window come back
   * `stale`). `staleFor`: the reader's window (a wrap() call's swr / staleIfError), when longer than the namespace's.
   * `expired`: told of each expired entry removed on the way (`unperf cache get` says the key expired).
   * A stale entry does not hide a fresh one in a slower tier (another machine's revalidation wrote
   * there: its own fs tier, the shared Redis), unless it is within `servedStale` ms past its expiry
   * (wrap()'s swr): the caller serves it at once and its revalidation looks further.
   * `from`: the first tier asked (fetch-gate.ts polls Redis past the memory tier's older copy).
   */
  async lookup(key: string, staleFor = 0, expired?: (entry: StoredEntry) => void, servedStale = 0, from = 0): Promise<Lookup | null> {
    const guards = this.ready ?? this.guardsNow() ?? (await this.guards())
    const now = Date.now()
    const window = Math.max(this.staleFor, staleFor)
    let stale: Lookup | null = null
    for (let t = from; t < guards.length; t++) {
      const g = guards[t]!
      if (!g.up) continue
      let entry: StoredEntry | null
      try {
        // the memory tier is synchronous: no promise, no guard
        entry = g.tier instanceof MemoryTier ? g.tier.getSync(key) : await g.call(tier => tier.get(key))
      } catch (error) {
        if (error instanceof CorruptEntryError) this._events.corrupt(error, g.tier)
        else this._events.failed('E_TIER', key, error, g)
        continue
      }
      g.readOk()
      if (g.tier.missed !== undefined) entry = this._unlessRemoved(g, key, entry)
      if (!entry) continue
      if (isExpired(entry, now)) {
        if (isLive(entry, now, window)) {
          if (now < entry.expiresAt! + servedStale) return { entry, stale: true, tier: t }
          // the later expiry: the newer value
          if (stale === null || (stale.entry.expiresAt ?? Infinity) < (entry.expiresAt ?? Infinity)) stale = { entry, stale: true, tier: t }
          continue
        }
        this._host.track(g.call(tier => tier.delete(key)).catch(() => false))
        this._events.evicted(key, 'expired', entry.size, g.tier)
        expired?.(entry)
        continue
      }
      if (t > 0) this.copyTo(entry, guards.slice(0, t))
      return { entry, stale: false, tier: t }
    }
    return stale
  }

  /**
   * The first entry through the tiers as stored, expired or not, for `unperf cache list`: nothing is
   * removed (an expired entry stays for `cache prune`), promoted or counted as a hit or miss.
   */
  async peek(key: string): Promise<StoredEntry | null> {
    for (const g of await this.guards()) {
      if (!g.up) continue
      try {
        let entry = await g.call(tier => tier.get(key))
        g.readOk()
        if (g.tier.missed !== undefined) entry = this._unlessRemoved(g, key, entry)
        if (entry) return entry
      } catch (error) {
        if (error instanceof CorruptEntryError) this._events.corrupt(error, g.tier)
        else this._events.failed('E_TIER', key, error, g)
      }
    }
    return null
  }

  /**
   * The fresh entries of these keys (null: none), each with the tier that answered (its hit says
   * that tier, as get()'s does), each tier asked once for the keys still missing.
   */
  async lookupMany(keys: string[]): Promise<(Lookup | null)[]> {
    const guards = await this.guards()
    const out: (Lookup | null)[] = keys.map(() => null)
    let missing = keys.map((_, i) => i)
    const now = Date.now()
    for (let t = 0; t < guards.length && missing.length > 0; t++) {
      const g = guards[t]!
      if (!g.up) continue
      let got: (StoredEntry | null | CorruptEntryError)[]
      try {
        got = await g.call(tier => tier.getMany(missing.map(i => keys[i]!)))
      } catch (error) {
        this._events.failed('E_TIER', undefined, error, g)
        continue
      }
      g.readOk()
      const still: number[] = []
      got.forEach((entry, j) => {
        const i = missing[j]!
        if (entry instanceof CorruptEntryError) { this._events.corrupt(entry, g.tier); still.push(i); return }
        if (g.tier.missed !== undefined) entry = this._unlessRemoved(g, keys[i]!, entry)
        if (entry && !isExpired(entry, now)) {
          out[i] = { entry, stale: false, tier: t }
          if (t > 0) this.copyTo(entry, guards.slice(0, t))
        } else still.push(i)
      })
      missing = still
    }
    return out
  }

  // --- writes ---

  write(entry: StoredEntry): Promise<void> {
    const guards = this.ready
    // hot path: a memory-only namespace writes synchronously, with no promise of its own
    if (guards !== undefined && guards.length === 1 && guards[0]!.tier instanceof MemoryTier) {
      guards[0]!.tier.setSync(entry)
      this._written(entry, guards)
      return WRITTEN
    }
    return this._writeTiers(entry)
  }

  async writeMany(stored: StoredEntry[]): Promise<void> {
    const guards = await this.guards()
    if (guards.length === 0 || stored.length === 0) return
    const done = await Promise.all(guards.map(g => g.up ? g.call(t => t.setMany(stored)).then(() => g.wrote(), error => { this._events.failed('E_WRITE', undefined, error, g); return missedWrite(g, stored, error) }) : missedWrite(g, stored)))
    // no tier stored them (each failed, or was down): no `cache:set`, not counted as sets
    if (done.includes(true)) this._events.setMany(stored)
    this._limits.afterWrite(guards)
  }

  /** Flush what tiers batch (fs access times). */
  async close(): Promise<void> {
    if (!this._guards) return
    const guards = await this._guards.catch(() => [])
    await Promise.all(guards.map(g => g.tier.close().catch(() => {})))
  }

  // --- internal ---

  private async _writeTiers(entry: StoredEntry): Promise<void> {
    const guards = this.ready ?? (await this.guards())
    if (guards.length === 0) return
    const stored = guards.length === 1 ? await this._writeTier(guards[0]!, entry) : (await Promise.all(guards.map(g => this._writeTier(g, entry)))).includes(true)
    // a set no tier stored (each failed: `cache:error`, or was down) fires no `cache:set` and is not counted
    if (stored) this._written(entry, guards)
  }

  /** Whether the tier stored the entry. */
  private _writeTier(g: TierGuard, entry: StoredEntry): Promise<boolean> | boolean {
    if (g.tier instanceof MemoryTier) { g.tier.setSync(entry); return true }
    // a Redis tier that misses the write keeps the key's older value: noted, not served again (redis-missed-removals.ts)
    if (!g.up) return missedWrite(g, [entry])
    return g.call(t => t.set(entry)).then(() => g.wrote(), error => { this._events.failed('E_WRITE', entry.key, error, g); return missedWrite(g, [entry], error) })
  }

  private _written(entry: StoredEntry, guards: TierGuard[]): void {
    this._events.set(entry.key, entry.size)
    this._limits.afterWrite(guards)
  }

  /**
   * An entry a Redis tier gave back that a removal it missed (made while it was down) covers is a
   * miss; the tier answered, so those removals are applied to it now (redis-missed-removals.ts).
   */
  private _unlessRemoved(g: TierGuard, key: string, entry: StoredEntry | null): StoredEntry | null {
    const missed = g.tier.missed!
    if (!missed.pending) return entry
    this._host.track(missed.apply(op => g.call(op)))
    return entry !== null && missed.removes(key, entry.createdAt) ? null : entry
  }

  /**
   * A copy of an entry read from a slower tier (or a sliding namespace's hit, its ttl extended) in
   * `guards`' tiers that are up: a memory tier holds it as its value's estimate (setPromoted) and
   * reports what that evicts; the others are written in the background.
   */
  copyTo(entry: StoredEntry, guards: TierGuard[]): void {
    for (const g of guards) {
      if (!g.up) continue
      if (g.tier instanceof MemoryTier) { g.tier.setPromoted(entry); this._limits.memory(g.tier); continue }
      this._host.track(g.call(t => t.set(entry)).catch(() => {}))
    }
  }
}
