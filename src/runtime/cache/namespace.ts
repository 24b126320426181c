/**
 * One cache namespace over its tiers: read-through with promotion (remaining TTL kept),
 * write-through, TTL/stale windows from the envelope, LRU limits, stats and hooks.
 * The cache is an optimization: no storage failure ever fails the caller (a miss, a skipped
 * write, one warning, `cache:error`).
 *
 * This file is the `PerfCache` API; the entries' TTLs and stale windows are entry-windows.ts, the
 * tiers (read-through, write-through) namespace-tiers.ts and their limits namespace-limits.ts, the
 * stats, hooks and warnings namespace-events.ts, the operations over every tier (keys, clear,
 * prune, info, verify) namespace-management.ts, invalidate()'s patterns key-pattern.ts, wrap()
 * wrap.ts and what the namespace gives it namespace-wrap-api.ts, and what a namespace asks of the
 * cache that opened it namespace-host.ts.
 */
import type { ResolvedNamespaceConfig } from '../../config/types.js'
import { NamespaceAccessError } from '../../errors.js'
import { MemoryTier } from '../../drivers/memory.js'
import { isExpired, type StoredEntry } from '../../drivers/types.js'
import type {
  CacheEntry, CacheInfo, CacheSetOptions, CacheStats, CacheVerifyResult, CacheWrapOptions, CachedOptions, PerfCache,
} from '../types.js'
import { NamespaceEvents } from './namespace-events.js'
import type { NamespaceHost } from './namespace-host.js'
import { clearTiers, deleteFromTiers, keysOf, notePatternMissed, pruneTiers, tiersInfo, verifyTiers } from './namespace-management.js'
import { NamespaceTiers, usedAbove } from './namespace-tiers.js'
import { namespaceWrapApi } from './namespace-wrap-api.js'
import { checkOptions, wrapValue, type Flight, type Lookup, type WrapApi } from './wrap.js'
import { argsKey, cachedKey } from './args-key.js'
import { checkCached } from './cached-check.js'
import { entriesError, keyError, keysError, warmInputError, wrapInputError } from './cache-input.js'
import { cacheOptionsError } from './options-error.js'
import { plainCacheOptions, SET_OPTIONS, WRAP_OPTIONS } from './options-check.js'
import { newEntry, staleWindow } from './entry-windows.js'
import { keyMatcher } from './key-pattern.js'
import { PLUGIN_PREFIX, SHARED_NAMESPACE } from './names.js'

/** keys()'s listing: the fresh entries (KeysOptions.fresh). */
const LIST_FRESH = Object.freeze({ fresh: true })

/** wrap()'s options when none are given: one object, not one per call. */
const NO_OPTIONS: CacheWrapOptions = Object.freeze({})

export class CacheNamespace implements PerfCache {
  /** Its tiers: read-through, write-through, limits (namespace-tiers.ts, namespace-limits.ts). */
  readonly _tiers: NamespaceTiers
  /** Its stats, hooks and warnings (namespace-events.ts); the shared cap reports its evictions here too. */
  readonly _events: NamespaceEvents
  readonly _pending = new Map<string, Flight>()
  /** Keys whose stale value is being revalidated in the background (swr): one fn call at a time. */
  readonly _revalidating = new Set<string>()
  private readonly _staleFor: number

  constructor(
    readonly name: string,
    readonly config: ResolvedNamespaceConfig,
    private readonly _host: NamespaceHost,
    private readonly _enabled: boolean,
    private readonly _canOpenOthers: boolean,
  ) {
    this._staleFor = staleWindow(config)
    this._events = new NamespaceEvents(name, _host.ctx)
    this._tiers = new NamespaceTiers(name, config, _host, _enabled, this._events, this._staleFor)
  }

  // --- reads ---

  async get<T = unknown>(key: string): Promise<T | null> {
    if (typeof key !== 'string') throw keyError('get', key)
    // hot path: a fresh hit in a memory first tier, with no lookup record and no await
    const first = this._tiers.ready?.[0]?.tier
    if (first instanceof MemoryTier) {
      const entry = first.getSync(key)
      if (entry !== null && !isExpired(entry, Date.now())) return this._hit(key, { entry, stale: false, tier: 0 }).value as T
    }
    const found = await this._tiers.lookup(key)
    if (found && !found.stale) return this._hit(key, found).value as T
    this._events.miss(key)
    return null
  }

  async getMany<T = unknown>(keys: string[]): Promise<(T | null)[]> {
    if (!Array.isArray(keys) || keys.some(k => typeof k !== 'string')) throw keysError(keys)
    const out = await this._tiers.lookupMany(keys)
    return out.map((e, i) => {
      if (e) return this._hit(keys[i]!, e).value as T
      this._events.miss(keys[i]!)
      return null
    })
  }

  async has(key: string): Promise<boolean> {
    if (typeof key !== 'string') throw keyError('has', key)
    const found = await this._tiers.lookup(key)
    return found !== null && !found.stale
  }

  async getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | null> {
    if (typeof key !== 'string') throw keyError('getEntry', key)
    return this._entry<T>(key)
  }

  /**
   * getEntry(), telling `expired` of an expired entry met on the way (removed, or within its stale
   * window): `unperf cache get` says a key expired from this one read (it peeked first: two reads).
   */
  async _entry<T = unknown>(key: string, expired?: (entry: StoredEntry) => void): Promise<CacheEntry<T> | null> {
    const found = await this._tiers.lookup(key, 0, expired)
    if (!found || found.stale) {
      if (found) expired?.(found.entry)
      this._events.miss(key)
      return null
    }
    const e = this._hit(key, found)
    return { value: e.value as T, createdAt: e.createdAt, expiresAt: e.expiresAt, size: e.size, metadata: e.metadata }
  }

  // --- writes ---

  set<T = unknown>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    if (typeof key !== 'string') return Promise.reject(keyError('set', key))
    // undefined is no value (unstorage's setItem, lru-cache's set): the key is deleted, on every tier alike
    if (options != null && !plainCacheOptions(options, SET_OPTIONS)) return Promise.reject(cacheOptionsError(`cache.set('${key}', value, options)`, options, SET_OPTIONS))
    if (value === undefined) return this.delete(key).then(() => undefined)
    let entry: StoredEntry
    try {
      entry = newEntry(this.config, key, value, options?.ttl, options?.metadata, this._staleFor)
    } catch (error) {
      return Promise.reject(error)
    }
    return this._tiers.write(entry)
  }

  async setMany(entries: [key: string, value: unknown, options?: CacheSetOptions | undefined][]): Promise<void> {
    const invalid = entriesError(entries)
    if (invalid) throw invalid
    entries.forEach(([k, , o], i) => { if (o != null && !plainCacheOptions(o, SET_OPTIONS)) throw cacheOptionsError(`cache.setMany(entries): entries[${i}] ('${k}')`, o, SET_OPTIONS) })
    const stored: StoredEntry[] = []
    const gone: string[] = []
    entries.forEach(([k, v, o], i) => {
      if (v === undefined) gone.push(k)
      else stored.push(newEntry(this.config, k, v, o?.ttl, o?.metadata, this._staleFor, i))
    })
    await Promise.all([this._tiers.writeMany(stored), ...gone.map(k => this.delete(k))])
  }

  async delete(key: string): Promise<boolean> {
    if (typeof key !== 'string') throw keyError('delete', key)
    const deleted = await deleteFromTiers(this._tiers, this._events, key)
    if (deleted) this._events.deleted(1)
    return deleted
  }

  // --- memoization ---

  wrap<T>(key: string, fn: () => Promise<T> | T, options: CacheWrapOptions = NO_OPTIONS): Promise<T> {
    if (typeof fn !== 'function' || typeof key !== 'string') return Promise.reject(wrapInputError(key, fn))
    if (!plainCacheOptions(options, WRAP_OPTIONS)) return Promise.reject(cacheOptionsError(`cache.wrap('${key}', fn, options)`, options, WRAP_OPTIONS))
    return wrapValue((this._api ??= namespaceWrapApi(this, this._host, (key, found) => this._hit(key, found))), key, fn, options)
  }

  cached<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R, options: CachedOptions<A>): (...args: A) => Promise<R> {
    checkCached(fn, options)
    const { name, key, ...wrapOptions } = options
    let checked = false
    return (...args: A) => {
      let k: string
      try {
        if (!checked) checked = (checkOptions('', wrapOptions, name), true)
        k = key ? cachedKey(name, key(...args)) : argsKey(args)
      } catch (error) {
        return Promise.reject(error)
      }
      return this.wrap(`${name}:${k}`, () => fn(...args), wrapOptions)
    }
  }

  async fetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
    const { createCachedFetch } = await import('./fetch.js')
    const events = this._events
    const counts = { lookup: (k: string, from?: number) => this._tiers.lookup(k, 0, undefined, 0, from), hit: (k: string, f: Lookup) => { this._hit(k, f) }, revalidated: events.hit.bind(events), stale: events.stale.bind(events), miss: events.miss.bind(events), tiers: () => this._tiers.guards() }
    return createCachedFetch(this, { ttl: this.config.ttl, staleIfError: this.config.staleIfError, enabled: this._enabled }, counts)(url, init)
  }

  warm(entries: Record<string, () => Promise<unknown>>): Promise<void> {
    const invalid = warmInputError(entries)
    if (invalid) return Promise.reject(invalid)
    const all = Promise.all(Object.entries(entries).map(([key, fn]) => new Promise<void>(resolve => {
      setImmediate(() => {
        this.wrap(key, fn).then(() => resolve(), error => { this._events.report('E_WARM', key, error); resolve() })
      })
    }))).then(() => undefined)
    this._host.track(all)
    return all
  }

  // --- management (namespace-management.ts) ---

  async invalidate(pattern: string | RegExp): Promise<number> {
    const match = keyMatcher(pattern)
    // the tiers list only what matches (the fs tier then reads only those entries' headers)
    const keys = await keysOf(this._tiers, this._events, { match })
    notePatternMissed(this._tiers, pattern)
    for (const k of keys) {
      await this.delete(k)
      this._events.evicted(k, 'invalidate')
    }
    return keys.length
  }

  keys(): Promise<string[]> {
    // what has() says is there: the fresh entries, not those only wrap() can serve stale
    return keysOf(this._tiers, this._events, LIST_FRESH)
  }

  clear(): Promise<number> {
    return clearTiers(this._tiers, this._events)
  }

  prune(): Promise<number> {
    return pruneTiers(this._tiers, this._events, this.config.maxSize, this._host.budget)
  }

  stats(): CacheStats {
    return this._events.stats()
  }

  async info(): Promise<CacheInfo> {
    const info = await tiersInfo(this._tiers, this._events, this.config.maxSize, this._host)
    // a plugin's namespace names no other plugin's, and `shared`, every plugin's, names none (its
    // total is a sum over all, nobody's figures); the host's perf.cache.info() names them all
    if (!this._canOpenOthers || this.name === SHARED_NAMESPACE) info.namespaces = info.namespaces.filter(n => n === this.name || !n.startsWith(PLUGIN_PREFIX))
    return info
  }

  verify(): Promise<CacheVerifyResult> {
    return verifyTiers(this._tiers, this._events)
  }

  namespace(name: string): PerfCache {
    if (!this._canOpenOthers) throw new NamespaceAccessError(name, this.name)
    return this._host.namespace(name)
  }

  /** Flush what tiers batch (fs access times); say the corrupt entries not named yet. */
  close(): Promise<void> {
    this._events.closed()
    return this._tiers.close()
  }

  // --- internal ---

  /** Built once: wrap() is a hot path and must not allocate a dozen closures per call. */
  private _api: WrapApi | undefined

  /**
   * A hit, counted and announced; a `sliding` namespace's hit also pushes the entry's expiry out to
   * the namespace's ttl from now in every tier, never in: an entry set with a longer ttl keeps it.
   * Returns the entry as it now is: getEntry() gives the expiry this hit set (it gave the one the
   * hit replaced, written in the background).
   */
  private _hit(key: string, found: Lookup): StoredEntry {
    this._events.hit(key, found)
    const tiers = this._tiers.ready
    if (tiers !== undefined && found.tier < tiers.length - 1) usedAbove(tiers, found.tier, key)
    const entry = found.entry
    if (this.config.sliding && this.config.ttl !== false && entry.expiresAt !== null && entry.expiresAt < Date.now() + this.config.ttl) {
      const extended = { ...entry, expiresAt: Date.now() + this.config.ttl }
      // in every tier, as a hit from a slower tier is copied to the faster ones (the tiers are built:
      // the lookup that found it built them; the writes are tracked from here, so close() waits for them)
      if (tiers !== undefined) this._tiers.copyTo(extended, tiers)
      else this._host.track(this._tiers.guards().then(guards => this._tiers.copyTo(extended, guards)))
      return extended
    }
    return entry
  }
}
