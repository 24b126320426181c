/**
 * One cache namespace over its tiers: read-through with promotion (remaining TTL kept),
 * write-through, TTL/stale windows from the envelope, LRU limits, stats and hooks.
 * The cache is an optimization: no storage failure ever fails the caller (a miss, a skipped
 * write, one warning, `cache:error`).
 */
import type { ResolvedNamespaceConfig } from '../../config/types.js'
import { parseDuration } from '../../config/units.js'
import { NamespaceAccessError, errorMessage } from '../../errors.js'
import { MemoryTier } from '../../drivers/memory.js'
import { TierGuard } from '../../drivers/tiers.js'
import { CorruptEntryError, type StoredEntry, type Tier } from '../../drivers/types.js'
import type { RuntimeContext } from '../_internal.js'
import type { CacheBudget } from './budget.js'
import type {
  CacheEntry, CacheInfo, CacheSetOptions, CacheStats, CacheVerifyResult, CacheWrapOptions, CachedOptions, PerfCache,
} from '../types.js'
import { wrapValue, type Flight, type Lookup, type Outcome } from './wrap.js'

/** A stale window of `true` (no limit) is stored as ten years. */
const RESOLVED: Promise<void> = Promise.resolve()

const FOREVER = 10 * 365 * 86_400_000

export interface NamespaceHost {
  ctx: RuntimeContext
  /** The cap over all namespaces (`cache.maxSize`). */
  budget: CacheBudget
  /** Builds this namespace's tiers once the scope is known. */
  tiers(namespace: string, config: ResolvedNamespaceConfig): Promise<Tier[]>
  namespace(name: string): PerfCache
  namespaces(): string[]
  track(promise: Promise<unknown>): void
}

export class CacheNamespace implements PerfCache {
  private _guards: Promise<TierGuard[]> | undefined
  /** The tiers once built: the hot paths use them without awaiting a promise. */
  private _ready: TierGuard[] | undefined
  private _sweepStarted = false
  readonly _pending = new Map<string, Flight>()
  private readonly _stats = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0 }
  private readonly _staleFor: number

  constructor(
    readonly name: string,
    readonly config: ResolvedNamespaceConfig,
    private readonly _host: NamespaceHost,
    private readonly _enabled: boolean,
    private readonly _canOpenOthers: boolean,
  ) {
    this._staleFor = Math.max(window(config.swr), window(config.staleIfError))
  }

  // --- reads ---

  async get<T = unknown>(key: string): Promise<T | null> {
    // hot path: a fresh hit in a memory first tier, with no lookup record and no await
    const first = this._ready?.[0]?.tier
    if (first instanceof MemoryTier) {
      const entry = first.getSync(key)
      if (entry !== null && (entry.expiresAt === null || entry.expiresAt > Date.now())) return this._hit(key, { entry, stale: false, tier: 0 }).value as T
    }
    const found = await this._lookup(key)
    if (found && !found.stale) return this._hit(key, found).value as T
    this._miss(key)
    return null
  }

  async getMany<T = unknown>(keys: string[]): Promise<(T | null)[]> {
    const guards = await this._tiers()
    const out: (StoredEntry | null)[] = keys.map(() => null)
    let missing = keys.map((_, i) => i)
    const now = Date.now()
    for (let t = 0; t < guards.length && missing.length > 0; t++) {
      const g = guards[t]!
      if (!g.up) continue
      let got: (StoredEntry | null | CorruptEntryError)[]
      try {
        got = await g.call(tier => tier.getMany(missing.map(i => keys[i]!)))
      } catch (error) {
        this._report('E_TIER', undefined, error, g.tier)
        continue
      }
      const still: number[] = []
      got.forEach((entry, j) => {
        const i = missing[j]!
        if (entry instanceof CorruptEntryError) { this._corrupt(entry, g.tier); still.push(i); return }
        if (entry && (entry.expiresAt === null || entry.expiresAt > now)) {
          out[i] = entry
          if (t > 0) this._promote(entry, guards.slice(0, t))
        } else still.push(i)
      })
      missing = still
    }
    return out.map((e, i) => {
      if (e) return this._hit(keys[i]!, { entry: e, stale: false, tier: 0 }).value as T
      this._miss(keys[i]!)
      return null
    })
  }

  async has(key: string): Promise<boolean> {
    const found = await this._lookup(key)
    return found !== null && !found.stale
  }

  async getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | null> {
    const found = await this._lookup(key)
    if (!found || found.stale) {
      this._miss(key)
      return null
    }
    const e = this._hit(key, found)
    return { value: e.value as T, createdAt: e.createdAt, expiresAt: e.expiresAt, size: e.size, metadata: e.metadata }
  }

  // --- writes ---

  set<T = unknown>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    let entry: StoredEntry
    try {
      entry = this._entry(key, value, options?.ttl, options?.metadata, this._staleFor)
    } catch (error) {
      return Promise.reject(error)
    }
    return this._write(entry)
  }

  async setMany(entries: [key: string, value: unknown, options?: CacheSetOptions][]): Promise<void> {
    const stored = entries.map(([k, v, o]) => this._entry(k, v, o?.ttl, o?.metadata, this._staleFor))
    const guards = await this._tiers()
    if (guards.length === 0 || stored.length === 0) return
    await Promise.all(guards.map(g => g.up ? g.call(t => t.setMany(stored)).catch(error => this._report('E_WRITE', undefined, error, g.tier)) : undefined))
    // counted and announced like the same writes through set(): one `cache:set` per entry
    this._stats.sets += stored.length
    const hooks = this._host.ctx.hooks
    if (hooks.hasListeners('cache:set')) for (const entry of stored) hooks.emit('cache:set', { namespace: this.name, key: entry.key })
    this._enforce(guards)
  }

  async delete(key: string): Promise<boolean> {
    const guards = await this._tiers()
    const results = await Promise.all(guards.map(g => g.up ? g.call(t => t.delete(key)).catch(error => { this._report('E_TIER', key, error, g.tier); return false }) : false))
    const deleted = results.some(Boolean)
    if (deleted) this._stats.deletes++
    return deleted
  }

  // --- memoization ---

  wrap<T>(key: string, fn: () => Promise<T> | T, options: CacheWrapOptions = {}): Promise<T> {
    return wrapValue((this._api ??= this._lookupApi()), key, fn, options)
  }

  cached<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R, options: CachedOptions<A>): (...args: A) => Promise<R> {
    const { name, key, ...wrapOptions } = options
    return (...args: A) => {
      const k = key ? key(...args) : JSON.stringify(args)
      return this.wrap(`${name}:${k}`, () => fn(...args), wrapOptions)
    }
  }

  async fetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
    const { createCachedFetch } = await import('./fetch.js')
    return createCachedFetch(this, { ttl: this.config.ttl, staleIfError: this.config.staleIfError })(url, init)
  }

  warm(entries: Record<string, () => Promise<unknown>>): Promise<void> {
    const all = Promise.all(Object.entries(entries).map(([key, fn]) => new Promise<void>(resolve => {
      setImmediate(() => {
        this.wrap(key, fn).then(() => resolve(), error => { this._report('E_WARM', key, error); resolve() })
      })
    }))).then(() => undefined)
    this._host.track(all)
    return all
  }

  // --- management ---

  async invalidate(pattern: string | RegExp): Promise<number> {
    const re = typeof pattern === 'string' ? globToRegExp(pattern) : pattern
    const keys = (await this.keys()).filter(k => { re.lastIndex = 0; return re.test(k) })
    for (const k of keys) {
      await this.delete(k)
      this._evicted(k, 'invalidate')
    }
    return keys.length
  }

  async keys(): Promise<string[]> {
    const guards = await this._tiers()
    const all = new Set<string>()
    for (const g of guards) {
      if (!g.up) continue
      try { for (const k of await g.call(t => t.keys())) all.add(k) } catch (error) { this._report('E_TIER', undefined, error, g.tier) }
    }
    return [...all]
  }

  async clear(): Promise<number> {
    const keys = await this.keys()
    const guards = await this._tiers()
    await Promise.all(guards.map(g => g.up ? g.call(t => t.clear()).catch(error => this._report('E_TIER', undefined, error, g.tier)) : undefined))
    this._stats.deletes += keys.length
    return keys.length
  }

  async prune(): Promise<number> {
    const guards = await this._tiers()
    const removed = new Set<string>()
    const now = Date.now()
    for (const g of guards) {
      if (!g.up) continue
      try {
        for (const r of await g.call(t => t.prune(this.config.maxSize, now))) {
          removed.add(r.key)
          this._evicted(r.key, r.reason, r.size)
        }
      } catch (error) {
        this._report('E_TIER', undefined, error, g.tier)
      }
    }
    // then the cap over all namespaces (it evicts from any of them, the fs dirs of those not open included)
    const budget = this._host.budget
    let shared = budget.enforceMemory()
    if (guards.some(g => g.up && g.tier.kind === 'fs')) {
      try { shared += await budget.enforceFs(true) } catch (error) { this._report('E_EVICT', undefined, error) }
    }
    return removed.size + shared
  }

  stats(): CacheStats {
    const s = this._stats
    const lookups = s.hits + s.misses
    return { ...s, hitRate: lookups === 0 ? 0 : s.hits / lookups }
  }

  async info(): Promise<CacheInfo> {
    const guards = await this._tiers()
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
        this._report('E_TIER', undefined, error, g.tier)
      }
    }
    const total = { entries: 0, bytes: 0, maxSize: this._host.budget.maxBytes }
    if (guards.length > 0) {
      try {
        const t = await this._host.budget.totals()
        const fs = guards.some(g => g.tier.kind === 'fs')
        total.entries = Math.max(t.memory.entries, fs ? t.fs.entries : 0)
        total.bytes = Math.max(t.memory.bytes, fs ? t.fs.bytes : 0)
      } catch (error) {
        this._report('E_TIER', undefined, error)
      }
    }
    return {
      driver: guards.map(g => g.tier.kind).join('+') || 'disabled', ...(dir && { dir }), entries, bytes,
      maxSize: this.config.maxSize, total, namespaces: this._host.namespaces(),
    }
  }

  async verify(): Promise<CacheVerifyResult> {
    const guards = await this._tiers()
    let checked = 0
    let corrupt = 0
    for (const g of guards) {
      if (!g.up) continue
      try {
        const r = await g.call(t => t.verify())
        checked += r.checked
        corrupt += r.corrupt.length
        for (const k of r.corrupt) this._evicted(k, 'corrupt')
      } catch (error) {
        this._report('E_TIER', undefined, error, g.tier)
      }
    }
    this._stats.errors += corrupt
    return { checked, corrupt, removed: corrupt }
  }

  namespace(name: string): PerfCache {
    if (!this._canOpenOthers) throw new NamespaceAccessError(name)
    return this._host.namespace(name)
  }

  /** Flush what tiers batch (fs access times). */
  async close(): Promise<void> {
    if (!this._guards) return
    const guards = await this._guards.catch(() => [])
    await Promise.all(guards.map(g => g.tier.close().catch(() => {})))
  }

  // --- internal ---

  private _tiers(): Promise<TierGuard[]> {
    return (this._guards ??= this._enabled
      ? this._host.tiers(this.name, this.config).then(
        tiers => (this._ready = tiers.map(t => new TierGuard(t, this._host.ctx.config.cache.timeout, (tier, error) => this._report('E_TIER_DOWN', undefined, error, tier)))),
        error => { this._report('E_INIT', undefined, error); return [] },
      )
      : Promise.resolve([]))
  }

  /** The first live entry through the tiers (expired ones within their stale window come back `stale`). */
  async _lookup(key: string): Promise<Lookup | null> {
    const guards = this._ready ?? (await this._tiers())
    const now = Date.now()
    for (let t = 0; t < guards.length; t++) {
      const g = guards[t]!
      if (!g.up) continue
      let entry: StoredEntry | null
      try {
        // the memory tier is synchronous: no promise, no guard
        entry = g.tier instanceof MemoryTier ? g.tier.getSync(key) : await g.call(tier => tier.get(key))
      } catch (error) {
        if (error instanceof CorruptEntryError) this._corrupt(error, g.tier)
        else this._report('E_TIER', key, error, g.tier)
        continue
      }
      if (!entry) continue
      if (entry.expiresAt !== null && entry.expiresAt <= now) {
        if (now < entry.expiresAt + entry.staleFor) return { entry, stale: true, tier: t }
        this._host.track(g.call(tier => tier.delete(key)).catch(() => false))
        this._evicted(key, 'expired', entry.size)
        continue
      }
      if (t > 0) this._promote(entry, guards.slice(0, t))
      return { entry, stale: false, tier: t }
    }
    return null
  }

  /** Built once: wrap() is a hot path and must not allocate a dozen closures per call. */
  private _api: ReturnType<CacheNamespace['_lookupApi']> | undefined

  private _lookupApi() {
    return {
      namespace: this,
      cwd: this._host.ctx.config.cwd,
      lookup: (key: string) => this._lookup(key),
      fresh: (key: string): StoredEntry | undefined => {
        const first = this._ready?.[0]
        if (first === undefined || !(first.tier instanceof MemoryTier) || !first.up) return undefined
        const entry = first.tier.getSync(key)
        if (entry === null || (entry.expiresAt !== null && entry.expiresAt <= Date.now())) return undefined
        return this._hit(key, { entry, stale: false, tier: 0 })
      },
      hit: (key: string, found: Lookup) => this._hit(key, found),
      miss: (key: string) => this._miss(key),
      stale: (key: string, found: Lookup) => {
        this._stats.stale++
        const hooks = this._host.ctx.hooks
        if (hooks.hasListeners('cache:hit')) hooks.emit('cache:hit', { namespace: this.name, key, tier: found.tier, stale: true })
      },
      write: (key: string, value: unknown, ttl: CacheWrapOptions['ttl'], staleFor: number) => this._write(this._entry(key, value, ttl, undefined, staleFor)),
      report: (code: string, key: string, error: unknown) => this._report(code, key, error),
      staleFor: (options: CacheWrapOptions) => Math.max(
        options.swr === undefined ? window(this.config.swr) : window(toWindow(options.swr)),
        options.staleIfError === undefined ? window(this.config.staleIfError) : window(toWindow(options.staleIfError)),
      ),
      joined: (key: string, outcome: Outcome) => {
        const hooks = this._host.ctx.hooks
        if (outcome.served === 'miss') return this._miss(key)
        if (outcome.served === 'stale') this._stats.stale++
        else this._stats.hits++
        const found = outcome.found
        if (found && hooks.hasListeners('cache:hit')) {
          hooks.emit('cache:hit', { namespace: this.name, key, tier: found.tier, ...(outcome.served === 'stale' ? { stale: true } : { size: found.entry.size }) })
        }
      },
      track: (p: Promise<unknown>) => this._host.track(p),
      tiers: () => this._tiers(),
    }
  }

  private _entry(key: string, value: unknown, ttlOption: CacheSetOptions['ttl'], metadata: Record<string, unknown> | undefined, staleFor: number): StoredEntry {
    if (typeof key !== 'string') throw new TypeError(`[unperf] cache keys are strings, got ${typeof key}`)
    const now = Date.now()
    const ttl = ttlOption === undefined ? this.config.ttl : ttlOption === false ? false : parseDuration(ttlOption)
    if (ttl === undefined || ttl === 0) throw new TypeError(`[unperf] cache.set('${key}'): ttl must be a duration > 0 or false, got ${String(ttlOption)}`)
    const entry: StoredEntry = { key, value, createdAt: now, expiresAt: ttl === false ? null : now + ttl, staleFor, size: 0 }
    if (metadata) entry.metadata = metadata
    return entry
  }

  private _write(entry: StoredEntry): Promise<void> {
    const guards = this._ready
    // hot path: a memory-only namespace writes synchronously, with no promise of its own
    if (guards !== undefined && guards.length === 1 && guards[0]!.tier instanceof MemoryTier) {
      guards[0]!.tier.setSync(entry)
      this._written(entry, guards)
      return RESOLVED
    }
    return this._writeTiers(entry)
  }

  private async _writeTiers(entry: StoredEntry): Promise<void> {
    const guards = this._ready ?? (await this._tiers())
    if (guards.length === 0) return
    if (guards.length === 1) await this._writeTier(guards[0]!, entry)
    else await Promise.all(guards.map(g => this._writeTier(g, entry)))
    this._written(entry, guards)
  }

  private _writeTier(g: TierGuard, entry: StoredEntry): Promise<void> | void {
    if (g.tier instanceof MemoryTier) return g.tier.setSync(entry)
    if (g.up) return g.call(t => t.set(entry)).catch(error => this._report('E_WRITE', entry.key, error, g.tier))
  }

  private _written(entry: StoredEntry, guards: TierGuard[]): void {
    this._stats.sets++
    const hooks = this._host.ctx.hooks
    if (hooks.hasListeners('cache:set')) hooks.emit('cache:set', { namespace: this.name, key: entry.key })
    this._enforce(guards)
  }

  private _enforce(guards: TierGuard[]): void {
    // the first write of a process and namespace lets the tier sweep expired entries if one is due
    // (fs: at most hourly, across processes); its prune() also enforces maxSize
    const sweep = !this._sweepStarted
    this._sweepStarted = true
    for (const g of guards) {
      if (!g.up) continue
      if (g.tier instanceof MemoryTier) {
        // synchronous, and nothing to do (no allocation) while under the limits
        this._enforceMemory(g.tier)
        continue
      }
      const run = sweep && g.tier.sweep ? g.tier.sweep(this.config.maxSize, Date.now()) : g.tier.enforce?.(this.config.maxSize)
      if (!run) continue
      const budget = g.tier.kind === 'fs' ? this._host.budget : undefined
      this._host.track(run.then(
        removed => {
          for (const r of removed) this._evicted(r.key, r.reason, r.size)
          // then the cap over all namespaces
          return budget?.enforceFs()
        },
      ).catch(error => this._report('E_EVICT', undefined, error, g.tier)))
    }
  }

  /** The namespace's limit (the policy evicts as it writes: this reports it), then the shared cap. */
  private _enforceMemory(tier: MemoryTier): void {
    for (const r of tier.enforceSync(this.config.maxSize)) this._evicted(r.key, r.reason, r.size)
    this._host.budget.enforceMemory()
  }

  private _promote(entry: StoredEntry, faster: TierGuard[]): void {
    for (const g of faster) {
      if (!g.up) continue
      if (g.tier instanceof MemoryTier) { g.tier.setSync(entry); this._enforceMemory(g.tier); continue }
      this._host.track(g.call(t => t.set(entry)).catch(() => {}))
    }
  }

  private _hit(key: string, found: Lookup): StoredEntry {
    this._stats.hits++
    const hooks = this._host.ctx.hooks
    if (hooks.hasListeners('cache:hit')) hooks.emit('cache:hit', { namespace: this.name, key, tier: found.tier, size: found.entry.size })
    const entry = found.entry
    if (this.config.sliding && this.config.ttl !== false && entry.expiresAt !== null) {
      const extended = { ...entry, expiresAt: Date.now() + this.config.ttl }
      this._host.track(this._tiers().then(guards => Promise.all(guards.map(g => g.up ? g.call(t => t.set(extended)).catch(() => {}) : undefined))))
    }
    return entry
  }

  private _miss(key: string): void {
    this._stats.misses++
    const hooks = this._host.ctx.hooks
    if (hooks.hasListeners('cache:miss')) hooks.emit('cache:miss', { namespace: this.name, key })
  }

  /** Counts an eviction and fires `cache:evict` (the shared cap reports its evictions here too). */
  _evicted(key: string, reason: 'lru' | 'expired' | 'corrupt' | 'invalidate', size?: number): void {
    if (reason !== 'invalidate') this._stats.evictions++
    const hooks = this._host.ctx.hooks
    if (hooks.hasListeners('cache:evict')) hooks.emit('cache:evict', { namespace: this.name, key, reason, ...(size !== undefined && { size }) })
  }

  private _corrupt(error: CorruptEntryError, tier: Tier): void {
    const code = error.reason.includes('integrity') ? 'E_INTEGRITY' : 'E_CORRUPT'
    this._report(code, error.key, error, tier)
    this._evicted(error.key, 'corrupt')
    this._host.ctx.warn(`cache-corrupt:${this.name}`, `removed a corrupt cache entry in namespace '${this.name}' (${error.reason}); it was treated as a miss`)
  }

  _report(code: string, key: string | undefined, error: unknown, tier?: Tier): void {
    this._stats.errors++
    scrubCredentials(error)
    const hooks = this._host.ctx.hooks
    if (hooks.hasListeners('cache:error')) hooks.emit('cache:error', { namespace: this.name, ...(key !== undefined && { key }), code, ...(tier && { tier: tier.kind }), error })
    if (code === 'E_INTEGRITY' || code === 'E_CORRUPT') return
    const where = tier ? `${tier.kind} tier${tier.dir ? ` (${tier.dir})` : ''}` : 'cache'
    const errno = (error as { code?: string }).code
    const detail = errorMessage(error)
    // one warning per tier (per process), whatever the operation
    this._host.ctx.warn(`cache-tier:${tier?.kind ?? code}:${tier?.dir ?? ''}:${errno ?? ''}`,
      tier?.remote
        ? `the ${where} failed (${detail}): it is skipped for now and retried with backoff; commands go on with the other tiers`
        : `the ${where} failed (${detail}); the cache is an optimization, so the command goes on without it`)
  }
}

export function window(value: number | false): number {
  if (value === false) return 0
  return Number.isFinite(value) ? value : FOREVER
}

function toWindow(value: boolean | string | number): number | false {
  if (value === false) return false
  if (value === true) return Number.POSITIVE_INFINITY
  return parseDuration(value) ?? false
}

/** '*' matches any characters (':' and '/' included); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's')
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
