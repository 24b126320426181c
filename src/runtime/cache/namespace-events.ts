/**
 * What one cache namespace counts and tells: its stats counters, its `cache:*` hooks (a payload is
 * built only when someone listens) and its warnings. The cache is an optimization: a storage
 * failure is counted, announced (`cache:error`) and warned about here, never thrown at the caller.
 */
import { errorMessage } from '../../errors.js'
import { isRedisTier, type CorruptEntryError, type StoredEntry, type Tier } from '../../drivers/types.js'
import type { Unwritable } from '../../drivers/fs-unwritable.js'
import { warnCacheDiskFull, warnCacheUnwritable } from '../unwritable-warning.js'
import { isCommandFault } from '../../drivers/redis-failures.js'
import { connectionOf, incidentOf, reasonOf, toldByGuard, type TierGuard } from '../../drivers/tier-guard.js'
import type { RuntimeContext } from '../_internal.js'
import type { CacheStats } from '../types.js'
import type { Lookup, Outcome } from './wrap.js'
import { hitRateOf } from './hit-rate.js'

/** Corrupt entries a namespace names in a warning each; those after are summed up at close (NamespaceEvents.closed). */
const CORRUPT_NAMED = 5

export class NamespaceEvents {
  private readonly _stats = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0 }
  /** The namespace's tiers once built (namespace-tiers.ts sets it): a payload's `tierName`, `cache:error`'s `tier` index. */
  tiers: (() => readonly TierGuard[] | undefined) | undefined

  constructor(private readonly _name: string, private readonly _ctx: RuntimeContext) {}

  stats(): CacheStats {
    const s = this._stats
    return { ...s, hitRate: hitRateOf(s) }
  }

  hit(key: string, found: Lookup): void {
    this._stats.hits++
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:hit')) hooks.emit('cache:hit', { namespace: this._name, key, ...this._tierAt(found.tier), size: found.entry.size })
  }

  miss(key: string): void {
    this._stats.misses++
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:miss')) hooks.emit('cache:miss', { namespace: this._name, key })
  }

  /** A stale value served (swr, staleIfError). */
  stale(key: string, found: Lookup): void {
    this._stats.stale++
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:hit')) hooks.emit('cache:hit', { namespace: this._name, key, ...this._tierAt(found.tier), stale: true })
  }

  /**
   * staleIfError: a wrap() whose lookup was a miss (counted, `cache:miss` fired) and whose fn then
   * failed is served the stale value: the call counts once, as stale (`cache:hit` with `stale: true` fires too).
   */
  staleAfterMiss(key: string, found: Lookup): void {
    this._stats.misses--
    this.stale(key, found)
  }

  /**
   * A wrap() whose lookup was a miss (counted, `cache:miss` fired) and that then got the value another
   * process computed meanwhile (it waited for that one's lock): the call counts once, as the hit
   * the caller then counts (`cache:hit` fires too).
   */
  retractMiss(): void {
    this._stats.misses--
  }

  /** A wrap() caller that joined another's call counts as that call turned out (hit, stale or miss). */
  joined(key: string, outcome: Outcome): void {
    const hooks = this._ctx.hooks
    if (outcome.served === 'miss') return this.miss(key)
    if (outcome.served === 'stale') this._stats.stale++
    else this._stats.hits++
    const found = outcome.found
    if (found && hooks.hasListeners('cache:hit')) {
      hooks.emit('cache:hit', { namespace: this._name, key, ...this._tierAt(found.tier), ...(outcome.served === 'stale' ? { stale: true } : { size: found.entry.size }) })
    }
  }

  /** A write stored: `size` the entry's bytes once its tiers wrote it (StoredEntry.size: encoded by a byte tier, else the memory tier's estimate), as getEntry() gives them. */
  set(key: string, size: number): void {
    this._stats.sets++
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:set')) hooks.emit('cache:set', { namespace: this._name, key, size })
  }

  /** setMany(): counted and announced like the same writes through set(): one `cache:set` per entry */
  setMany(entries: StoredEntry[]): void {
    this._stats.sets += entries.length
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:set')) for (const entry of entries) hooks.emit('cache:set', { namespace: this._name, key: entry.key, size: entry.size })
  }

  deleted(count: number): void {
    this._stats.deletes += count
  }

  /**
   * An entry `tier` removed (the shared cap reports its evictions here too): counted and told
   * (`cache:evict`, with the tier) when the cache lost it, i.e. no slower tier of the namespace
   * stores writes (each holds what the faster ones hold: writes go to every tier). A faster tier's
   * copy dropped while a slower one has it is not: a memory tier in front of an fs tier counted
   * each entry twice, and every one it dropped while the fs tier still served it. A corrupt copy is
   * told on any tier, as without a slower one: damage (a disk, a sync tool) is news, and the same
   * file made the same report whether a Redis tier behind it held a good copy or not.
   */
  evicted(key: string, reason: 'lru' | 'expired' | 'corrupt' | 'invalidate', size?: number, tier?: Tier): void {
    const at = tier === undefined ? undefined : this._tierOf(tier)
    if (reason !== 'corrupt' && at?.tier !== undefined && this._heldBelow(at.tier, reason === 'expired')) return
    if (reason !== 'invalidate') this._stats.evictions++
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:evict')) hooks.emit('cache:evict', { namespace: this._name, key, reason, ...at, ...(size !== undefined && { size }) })
  }

  /**
   * Whether a tier slower than the one at `index` stores writes (so still holds what that one dropped).
   * `expired`: a copy that expired everywhere at once is told by the slowest tier that removes it
   * itself; Redis drops it at its PX without a word, so it does not count as holding it (with
   * ['memory', 'fs', redis] an expired entry was never counted, nor `cache:evict` fired, on any tier).
   */
  private _heldBelow(index: number, expired = false): boolean {
    const guards = this.tiers?.()
    if (guards === undefined) return false
    for (let j = index + 1; j < guards.length; j++) if (guards[j]!.storing && !(expired && isRedisTier(guards[j]!.tier))) return true
    return false
  }

  /**
   * A corrupt entry `tier` met and removed: reported, an eviction on any tier (see evicted) and a
   * warning naming it for each of the first CORRUPT_NAMED keys of the namespace (the rest: closed()). That copy is a miss: a slower tier's good copy, if any, is served and
   * written back to it (NamespaceTiers.lookup).
   */
  corrupt(error: CorruptEntryError, tier: Tier): void {
    const code = error.reason.includes('integrity') ? 'E_INTEGRITY' : 'E_CORRUPT'
    this.report(code, error.key, error, tier)
    this.evicted(error.key, 'corrupt', undefined, tier)
    // each of the first few keys named (the warning named only the first of a namespace: a damaged
    // disk's other entries went unsaid), the rest counted for close(): stderr stays bounded
    const c = (this._corrupt ??= { named: new Set(), more: [], moreCount: 0 })
    if (c.named.has(error.key)) return
    if (c.named.size < CORRUPT_NAMED) {
      c.named.add(error.key)
      this._ctx.warn(`cache-corrupt:${this._name}:${error.key}`, `removed a corrupt cache entry '${error.key}' in namespace '${this._name}' from its ${tier.kind} tier (${error.reason}); that copy was treated as a miss`)
      return
    }
    c.moreCount++
    if (c.more.length < CORRUPT_NAMED) c.more.push(error.key)
  }

  /** The corrupt entries met past the first CORRUPT_NAMED keys: counted, the first few of them named. */
  private _corrupt: { named: Set<string>; more: string[]; moreCount: number } | undefined

  /** The namespace closing: the corrupt entries not named one by one, said in one warning. */
  closed(): void {
    const c = this._corrupt
    if (c === undefined || c.moreCount === 0) return
    const unnamed = c.moreCount - c.more.length
    this._ctx.warn(`cache-corrupt:${this._name}:more`, `removed ${c.moreCount} more corrupt cache ${c.moreCount === 1 ? 'entry' : 'entries'} in namespace '${this._name}' (${c.named.size + c.moreCount} in all, each treated as a miss): ${c.more.map(k => `'${k}'`).join(', ')}${unnamed > 0 ? ` and ${unnamed} more` : ''}; unperf cache verify checks every entry`)
  }

  /**
   * A call that failed: counted. Told (`cache:error`, a warning) unless its remote tier's guard told
   * it already, as the incident it belongs to (the tier down: see {@link down}).
   */
  report(code: string, key: string | undefined, error: unknown, tier?: Tier): void {
    this._stats.errors++
    if (tier?.remote && toldByGuard(error)) return
    // wrap()'s lock refused by an ACL: the same refusal at every key that misses, told once per tier
    // (it was a cache:error per wrap() call), each one counted
    if (code === 'E_LOCK' && tier !== undefined) {
      if (this._lockRefused?.has(tier)) return
      this._lockRefused ??= new WeakSet()
      this._lockRefused.add(tier)
    }
    this._tell(code, key, error, tier)
  }

  /** The tiers whose refused wrap() lock (E_LOCK) was told. */
  private _lockRefused: WeakSet<Tier> | undefined

  /**
   * A read (`E_TIER`) or write (`E_WRITE`) of a tier that failed: counted; told (`cache:error`, the
   * warning) when it is news, for a local tier once per cause until a call of that kind succeeds
   * again (TierGuard.failed).
   */
  failed(code: 'E_TIER' | 'E_WRITE', key: string | undefined, error: unknown, guard: TierGuard): void {
    if (guard.failed(code === 'E_WRITE' ? 'w' : 'r', error)) this.report(code, key, error, guard.tier)
    else this._stats.errors++
  }

  /**
   * A remote tier down (TierGuard): once per incident, however many calls fail in it (10 000 calls
   * in flight on a Redis killed mid-run fired 20 000 events); its failed calls are counted by report().
   */
  down(error: unknown, tier: Tier): void {
    this._tell('E_TIER_DOWN', undefined, error, tier)
  }

  /** A payload's tier fields: its index in the namespace's tiers (0 = the fastest) and its driver's name. */
  private _tierAt(index: number): { tier: number; tierName?: string } {
    const name = this.tiers?.()?.[index]?.tier.kind
    return name === undefined ? { tier: index } : { tier: index, tierName: name }
  }

  private _tierOf(tier: Tier): { tier?: number; tierName: string } {
    const index = this.tiers?.()?.findIndex(g => g.tier === tier) ?? -1
    return index === -1 ? { tierName: tier.kind } : { tier: index, tierName: tier.kind }
  }

  private _tell(code: string, key: string | undefined, error: unknown, tier?: Tier): void {
    // before explain(): it may replace the reply error it judges by
    const refused = tier !== undefined && isCommandFault(tier, error)
    if (tier?.explain) error = tier.explain(error)
    scrubCredentials(error)
    const hooks = this._ctx.hooks
    if (hooks.hasListeners('cache:error')) hooks.emit('cache:error', { namespace: this._name, ...(key !== undefined && { key }), code, ...(tier && this._tierOf(tier)), error })
    if (code === 'E_INTEGRITY' || code === 'E_CORRUPT') return
    // the caller's own function threw in the background: not a storage failure, and nothing was cached
    if (code === 'E_WARM' || code === 'E_REVALIDATE' || code === 'E_STALE_IF_ERROR') {
      this._ctx.warn(`cache-fn:${code}:${this._name}`, code === 'E_WARM'
        ? `warm(): the function for '${key}' in cache namespace '${this._name}' threw (${errorMessage(error)}); the key was not filled (errors are never cached)`
        : code === 'E_REVALIDATE'
          ? `the background revalidation (swr) of '${key}' in cache namespace '${this._name}' threw (${errorMessage(error)}); the stale value is served until its stale window ends (errors are never cached)`
          : `wrap('${key}') in cache namespace '${this._name}': its function threw (${errorMessage(error)}); the expired value was served instead (staleIfError), until its stale window ends (errors are never cached)`)
      return
    }
    const where = tier ? `${tier.kind} tier${tier.dir ? ` (${tier.dir})` : ''}` : 'cache'
    const errno = (error as { code?: string }).code
    // a tier's explain() found a dir that refuses writes (fs-unwritable.ts)
    const unwritable = (error as { unwritable?: Unwritable } | null)?.unwritable
    if (unwritable) return warnCacheUnwritable(this._ctx, tier?.kind ?? 'fs', tier?.dir ?? this._ctx.config.cache.dir, unwritable, code, error)
    const detail = errorMessage(error)
    // a full disk (the fs tier evicted and tried again: fs-write.ts): one warning for every
    // namespace under the cache dir, whatever else fails with it
    if ((error as { diskFull?: boolean } | null)?.diskFull) return warnCacheDiskFull(this._ctx, tier?.dir ?? this._ctx.config.cache.dir, detail)
    // the caller's value, not the tier (json-loss.ts): one warning per namespace, naming the key and why
    if (errno === 'E_VALUE') {
      this._ctx.warn(`cache-value:${this._name}`, `${detail}; not stored in the ${where} of cache namespace '${this._name}' (the tier stays in use; the command goes on)`)
      return
    }
    // a refused cache dir (cache-dir-safety.ts) is the cache root's or a scope's: one warning for it,
    // not one per namespace whose fs tier found it (five lines for one cause)
    if (errno === 'E_CACHE_DIR_UNSAFE') {
      this._ctx.warn(`cache-dir-unsafe:${detail}`, `the fs tier is not used (${detail}); the cache is an optimization, so the command goes on without it`)
      return
    }
    // wrap()'s cross-process lock refused (redis-lock.ts): the tier serves the rest, but fn is no longer
    // run once across processes, which is what a fleet sharing the Redis counts on
    if (code === 'E_LOCK') {
      this._ctx.warn(`cache-lock:${where}`, `wrap()'s cross-process lock on the ${where} was refused (${detail}): fn runs in each process that misses a key, not once for all of them; `
        + 'an ACL user needs the lock keys too (`~<base>:*` for a tier with a `base`, else `~unperf:* ~lock:unperf:*`)')
      return
    }
    // one warning per tier, whatever the operation: per incident for a remote one (down, then up: a
    // new incident is warned about again), else per process. A remote tier down is one warning per
    // connection and incident, whichever namespace met it first and however its failure read (closed,
    // reset, refused alike: what its guard tells apart, reasonOf); two Redis servers down, two warnings
    const once = tier?.remote && !refused ? `${connectionOf(tier)}:${reasonOf(error)}:${incidentOf(tier)}` : `${tier?.dir ?? ''}:${errno ?? ''}${tier?.remote ? `:${incidentOf(tier)}` : ''}`
    this._ctx.warn(`cache-tier:${tier?.kind ?? code}:${once}`,
      refused
        ? `the ${where} refused a call (${detail}); it stays in use, and what it did not store is kept in the other tiers`
        : errno === 'E_REDIS_CLUSTER'
        ? `the ${where} failed (${detail}): it is off for this run; commands go on without it (with a namespace's other tiers, where it has any)`
        : tier?.remote
        ? `the ${where} failed (${detail}): it is skipped for now and retried with backoff; commands go on without it (with a namespace's other tiers, where it has any)`
        : `the ${where} failed (${detail}); the cache is an optimization, so the command goes on without it`)
  }
}

/**
 * ioredis attaches the failed command to its errors, and a failed AUTH (or HELLO ... AUTH) fails
 * the commands queued behind it with the AUTH command attached: its args are the password, which a
 * host logging `cache:error` payloads would write out. Masked in place before anyone sees the error.
 */
function scrubCredentials(error: unknown): void {
  const command = (error as { command?: { name?: unknown; args?: unknown } } | null)?.command
  if (command && typeof command.name === 'string' && /^(auth|hello|migrate)$/i.test(command.name) && Array.isArray(command.args)) {
    command.args = command.args.map(() => '***')
  }
}
