/**
 * The cache manager as the start path sees it: `perf.cache` and every namespace exist at once (the
 * API is sync), but the cache code itself (namespaces, tiers, envelopes, drivers, ~55 kB) is
 * imported on the first operation. A command that never touches the cache never compiles it;
 * `--help` and `--version` never do.
 *
 * Each namespace facade forwards to the real namespace; once it is loaded, the facade's methods are
 * replaced by the real ones (bound), so later calls pay nothing for the laziness.
 */
import { NamespaceAccessError } from '../../errors.js'
import type { CacheManager, RuntimeContext } from '../_internal.js'
import type { CacheStats, PerfCache } from '../types.js'
import { checkCached } from './cached-check.js'
import { checkNamespaceName, DEFAULT_NAMESPACE, emptyCacheStats, SHARED_NAMESPACE } from './names.js'

type CacheModule = typeof import('./index.js')

const ASYNC_METHODS = [
  'get', 'getMany', 'set', 'setMany', 'has', 'delete', 'getEntry', 'wrap', 'fetch', 'warm', 'invalidate',
  'keys', 'clear', 'prune', 'info', 'verify',
] as const satisfies readonly (keyof PerfCache)[]


export function createLazyCacheManager(ctx: RuntimeContext, beforeLoad?: () => Promise<void>): CacheManager {
  let real: CacheManager | undefined
  let loading: Promise<CacheManager> | undefined
  const load = (): Promise<CacheManager> => (loading ??= Promise.all([import('./index.js'), beforeLoad?.()])
    .then(([m]: [CacheModule, unknown]) => (real = m.createCacheManager(ctx))))
  const facades = new Map<string, PerfCache>()

  /** A namespace that loads the cache on first use; `open` picks it out of the real manager. */
  function facade(name: string, open: (m: CacheManager) => PerfCache, canOpenOthers: boolean): PerfCache {
    let existing = facades.get(name)
    if (existing) return existing
    let target: PerfCache | undefined
    const ready = (): Promise<PerfCache> => (target ? Promise.resolve(target) : load().then(m => {
      if (!target) {
        target = open(m)
        // from now on, calls go straight to the real namespace
        for (const method of ASYNC_METHODS) (self as unknown as Record<string, unknown>)[method] = (target[method] as (...a: unknown[]) => unknown).bind(target)
      }
      return target
    }))
    const forward = (method: (typeof ASYNC_METHODS)[number]) =>
      (...args: unknown[]) => ready().then(t => (t[method] as (...a: unknown[]) => unknown)(...args))
    const self = {
      name,
      ...Object.fromEntries(ASYNC_METHODS.map(m => [m, forward(m)])),
      cached<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R, options: Parameters<PerfCache['cached']>[1]): (...args: A) => Promise<R> {
        checkCached(fn, options)
        let memo: ((...args: A) => Promise<R>) | undefined
        return (...args: A) => (memo ? memo(...args) : ready().then(t => (memo ??= t.cached(fn, options as never) as (...args: A) => Promise<R>)(...args)))
      },
      stats: (): CacheStats => (target ? target.stats() : emptyCacheStats()),
      namespace(other: string): PerfCache {
        if (!canOpenOthers) throw new NamespaceAccessError(other, name)
        return manager.namespace(other)
      },
    } as unknown as PerfCache
    facades.set(name, self)
    return self
  }

  const manager: CacheManager = {
    get root() {
      return facade(DEFAULT_NAMESPACE, m => m.root, true)
    },
    get shared() {
      return facade(SHARED_NAMESPACE, m => m.shared, true)
    },
    namespace(name: string): PerfCache {
      checkNamespaceName(name)
      return facade(name, m => m.namespace(name), true)
    },
    pluginNamespace(plugin: string): PerfCache {
      return facade(`plugin:${plugin}`, m => m.pluginNamespace(plugin), false)
    },
    stats() {
      return real ? real.stats() : { ...emptyCacheStats(), namespaces: {} }
    },
    async close() {
      if (loading) await (await loading).close()
    },
  }
  return manager
}
