/**
 * The cache manager: namespaces by name (the default one is `perf.cache`), plugin namespaces
 * reachable only through their plugin, the scope resolved once and lazily, tiers built on first
 * use (drivers imported only then), and a close() that waits for background work and disconnects.
 */
import { join } from 'node:path'
import type { ResolvedNamespaceConfig, ResolvedPerfConfig } from '../../config/types.js'
import { FsTier } from '../../drivers/fs.js'
import { MemoryTier } from '../../drivers/memory.js'
import { createTier } from '../../drivers/tiers.js'
import type { Tier } from '../../drivers/types.js'
import type { CacheManager, RuntimeContext } from '../_internal.js'
import type { CacheStats, PerfCache } from '../types.js'
import { CacheBudget } from './budget.js'
import { namespaceDirName, namespacesInScope } from './namespace-dirs.js'
import { CacheNamespace } from './namespace.js'
import type { NamespaceHost } from './namespace-host.js'
import { resolveScope, touchAndPruneScopes, type CacheScope } from './scope.js'
import type { RemoteListingOptions } from './stored-namespaces.js'
import { checkNamespaceName, DEFAULT_NAMESPACE, SHARED_NAMESPACE } from './names.js'
import { storageSegment } from './storage-segment.js'
import { hitRateOf } from './hit-rate.js'

export { DEFAULT_NAMESPACE, SHARED_NAMESPACE } from './names.js'

const noFlush = async (): Promise<void> => {}

/** `promise` in `set` until it settles (close() waits for what is in it). */
function heldUntilSettled(set: Set<Promise<unknown>>, promise: Promise<unknown>): void {
  set.add(promise)
  promise.finally(() => set.delete(promise)).catch(() => {})
}

/**
 * The namespaces with a dir in one of the config's fs tiers for this scope (plugins' and those
 * opened by name included). Remote tiers: stored-namespaces.ts; both: storedNamespaces().
 * `scope`: the scope already resolved (else resolved here).
 */
export async function namespacesOnDisk(config: ResolvedPerfConfig, scope?: CacheScope): Promise<string[]> {
  const cacheConfig = config.cache
  const specs = [cacheConfig.tiers, ...Object.values(cacheConfig.namespaces).map(n => n.tiers)].flat()
  const bases = new Set(specs.filter(t => t.driver === 'fs').map(t => (t as { base: string }).base))
  if (!cacheConfig.enabled || bases.size === 0) return []
  const s = scope ?? await resolveScope(config)
  const found = await Promise.all([...bases].map(base => namespacesInScope(base === cacheConfig.dir ? s.dir : join(base, s.id))))
  return [...new Set(found.flat())]
}

/**
 * Every namespace the scope holds: in its fs dirs and in its remote tiers (Redis, unstorage
 * drivers), plugins' and those opened by name included. `scope`: the scope already resolved.
 */
export async function storedNamespaces(config: ResolvedPerfConfig, scope?: CacheScope, remote: RemoteListingOptions = {}): Promise<string[]> {
  if (!config.cache.enabled) return []
  const s = scope ?? await resolveScope(config)
  // the remote tiers' listing loads when namespaces are listed (`unperf cache`, info()): not on a cache's first call
  const [onDisk, inRemote] = await Promise.all([namespacesOnDisk(config, s), import('./stored-namespaces.js').then(m => m.remoteNamespaces(config, s, remote))])
  return [...new Set([...onDisk, ...inRemote])]
}

export function createCacheManager(ctx: RuntimeContext): CacheManager {
  const { config } = ctx
  const cacheConfig = config.cache
  // the config layer resolves UNPERF_CACHE=0 into enabled: false; be defensive for hand-built configs
  const enabled = cacheConfig.enabled && process.env.UNPERF_CACHE !== '0'
  const namespaces = new Map<string, CacheNamespace>()
  const background = new Set<Promise<unknown>>()
  /** swr revalidations: close() waits for each to its end. */
  const awaited = new Set<Promise<unknown>>()
  let scope: Promise<CacheScope> | undefined
  /** The scope once resolved: the namespaces opened after the first build their tiers at once (tiersNow). */
  let scopeNow: CacheScope | undefined
  let scopeTouched = false
  /** The scope is still to be marked used by this namespace's tiers: the first with an fs tier does it (not the CLI's reads). */
  const touchPending = (nsConfig: ResolvedNamespaceConfig) => !scopeTouched && !ctx.inspect && nsConfig.tiers.some(t => t.driver === 'fs')

  const getScope = () => (scope ??= resolveScope(config).then(s => (scopeNow = s)))

  const rootNamespaceConfig: ResolvedNamespaceConfig = {
    ttl: cacheConfig.ttl, driver: cacheConfig.driver, tiers: cacheConfig.tiers, maxSize: cacheConfig.maxSize, policy: cacheConfig.policy, swr: cacheConfig.swr,
    staleIfError: cacheConfig.staleIfError, sliding: false, compress: cacheConfig.compress, integrity: cacheConfig.integrity,
  }

  // the cap over all namespaces; its evictions count in the namespace they come from
  const budget = new CacheBudget(cacheConfig.maxSize, (name, key, size, tier) => {
    // a namespace dir found on disk whose name is a hash and left no marker: the hook only
    const unknown = name.startsWith('n-~') && name.length === 67
    const ns = namespaces.get(name) ?? (unknown ? undefined : open(name, !name.startsWith('plugin:')))
    if (ns) ns._events.evicted(key, 'lru', size, tier)
    else if (ctx.hooks.hasListeners('cache:evict')) ctx.hooks.emit('cache:evict', { namespace: name, key, reason: 'lru', size, tierName: tier.kind })
  })

  const host: NamespaceHost = {
    ctx,
    budget,
    async tiers(namespace: string, nsConfig: ResolvedNamespaceConfig): Promise<Tier[]> {
      const s = await getScope()
      if (touchPending(nsConfig)) {
        scopeTouched = true
        host.track(touchAndPruneScopes(cacheConfig.dir, s, cacheConfig.scopeMaxAge))
      }
      const nsDir = namespaceDirName(namespace) // readable or escaped (decoded by budget.ts); hashed: a marker file
      return Promise.all(nsConfig.tiers.map(async spec => {
        if (spec.driver === 'memory' || spec.driver === 'fs') return localTier(spec, namespace, nsConfig, s, nsDir)
        const segment = spec.driver === 'redis' ? encodeURIComponent(namespace) : storageSegment(namespace)
        return createTier(spec, {
          prefix: `${encodeURIComponent(config.name)}:${s.id}:${segment}`,
          // earlier builds wrote this namespace under encodeURIComponent alone: clear() and prune() remove those entries
          ...(segment !== encodeURIComponent(namespace) && { legacyPrefix: `${encodeURIComponent(config.name)}:${s.id}:${encodeURIComponent(namespace)}` }),
          fsDir: base => join(base === cacheConfig.dir ? s.dir : join(base, s.id), nsDir),
          // a file copied into this namespace's dir from another's (or another scope's) is not served
          place: `${s.id}\0${namespace}`,
          encode: { compress: nsConfig.compress, integrity: nsConfig.integrity },
          timeout: cacheConfig.timeout,
          stateDir: cacheConfig.dir,
          scope: { name: encodeURIComponent(config.name), id: s.id, maxAge: cacheConfig.scopeMaxAge },
        })
      }))
    },
    tiersNow(namespace: string, nsConfig: ResolvedNamespaceConfig): Tier[] | undefined {
      // the first namespace resolves the scope and marks it used (tiers()); a remote tier loads its code
      if (scopeNow === undefined || !nsConfig.tiers.every(t => t.driver === 'memory' || t.driver === 'fs')) return undefined
      if (touchPending(nsConfig)) return undefined
      const s = scopeNow
      const nsDir = namespaceDirName(namespace)
      return nsConfig.tiers.map(spec => localTier(spec, namespace, nsConfig, s, nsDir))
    },
    namespace: name => manager.namespace(name),
    async namespaces() {
      const known = [DEFAULT_NAMESPACE, ...Object.keys(cacheConfig.namespaces), ...namespaces.keys()]
      // and those other runs left on disk or in a remote tier (plugins', opened by name): as `unperf cache list --all` finds them
      const stored = enabled ? await getScope().then(s => storedNamespaces(config, s)).catch(() => []) : []
      return [...new Set([...known, ...stored])]
    },
    track: promise => heldUntilSettled(background, promise),
    awaitOnClose: promise => heldUntilSettled(awaited, promise),
  }

  /** A memory or fs tier of a namespace, made and counted in the cap over all namespaces (no await: tiersNow). */
  function localTier(spec: ResolvedNamespaceConfig['tiers'][number], namespace: string, nsConfig: ResolvedNamespaceConfig, s: CacheScope, nsDir: string): Tier {
    if (spec.driver === 'memory') {
      const tier = new MemoryTier({ policy: nsConfig.policy, maxBytes: nsConfig.maxSize, shared: budget.memory })
      budget.addMemory(namespace, tier)
      return tier
    }
    const base = (spec as { base: string }).base
    // a file copied into this namespace's dir from another's (or another scope's) is not served
    const tier = new FsTier(join(base === cacheConfig.dir ? s.dir : join(base, s.id), nsDir), { compress: nsConfig.compress, integrity: nsConfig.integrity }, `${s.id}\0${namespace}`)
    tier.knowLimit(nsConfig.maxSize)
    budget.addFs(namespace, tier)
    // the CLI's reads are no uses: no access times written back (a `cache list` made every entry the most recently used)
    if (ctx.inspect) tier.close = noFlush
    return tier
  }

  const open = (name: string, canOpenOthers: boolean): CacheNamespace => {
    let ns = namespaces.get(name)
    if (!ns) {
      // own keys only: a namespace named 'constructor' or 'toString' is not Object.prototype's
      const declared = Object.hasOwn(cacheConfig.namespaces, name) ? cacheConfig.namespaces[name] : undefined
      ns = new CacheNamespace(name, declared ?? rootNamespaceConfig, host, enabled, canOpenOthers)
      namespaces.set(name, ns)
    }
    return ns
  }

  const manager: CacheManager = {
    root: open(DEFAULT_NAMESPACE, true),
    get shared() {
      return open(SHARED_NAMESPACE, true)
    },
    namespace(name: string): PerfCache {
      checkNamespaceName(name)
      return open(name, true)
    },
    pluginNamespace(plugin: string): PerfCache {
      return open(`plugin:${plugin}`, false)
    },
    stats() {
      // no prototype: a namespace named '__proto__' is a key like any other
      const per: Record<string, CacheStats> = Object.create(null) as Record<string, CacheStats>
      const total = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0 }
      for (const [name, ns] of namespaces) {
        const s = ns.stats()
        per[name] = s
        for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += s[k]
      }
      return { ...total, hitRate: hitRateOf(total), namespaces: per }
    },
    async close() {
      // background work (promotions, evictions, warm) gets a bounded moment to finish; swr
      // revalidations run to their end (fn's work the caller was spared, and its write)
      const bounded = background.size > 0 ? Promise.race([Promise.allSettled([...background]), new Promise(r => setTimeout(r, 2000).unref())]) : undefined
      await Promise.all([bounded, Promise.allSettled([...awaited])])
      await budget.flush().catch(() => {})
      await Promise.all([...namespaces.values()].map(ns => ns.close()))
    },
  }
  return manager
}
