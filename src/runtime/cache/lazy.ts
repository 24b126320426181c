/**
 * The cache manager as the start path sees it: `perf.cache` and every namespace exist at once (the
 * API is sync), but the cache code itself (namespaces, tiers, envelopes, drivers, ~55 kB) is
 * imported on the first operation. A command that never touches the cache never compiles it;
 * `--help` and `--version` never do.
 *
 * Each namespace facade forwards to the real namespace: before it is loaded, through its load; after,
 * straight to it (one check a call). Its methods keep their identity and work detached
 * (`const { get } = perf.cache`). A facade is one object and its forwarders, made once per
 * namespace: a CLI with 20 plugins makes 20 (each plugin's own), and binding the real methods over
 * them at load was ≈ 28 000 instructions a namespace (bench/results/startup.md, session 20).
 */
import { NamespaceAccessError } from '../../errors.js'
import type { CacheManager, RuntimeContext } from '../_internal.js'
import type { CacheStats, PerfCache } from '../types.js'
import { checkCached } from './cached-check.js'
import { checkNamespaceName, DEFAULT_NAMESPACE, emptyCacheStats, SHARED_NAMESPACE } from './names.js'

type CacheModule = typeof import('./index.js')

// perf.cache is read on every call of perf.cache.wrap() (a getter): its lookup makes no closure
const rootOf = (m: CacheManager): PerfCache => m.root
const sharedOf = (m: CacheManager): PerfCache => m.shared

const ASYNC_METHODS = [
  'get', 'getMany', 'set', 'setMany', 'has', 'delete', 'getEntry', 'wrap', 'fetch', 'invalidate',
  'keys', 'clear', 'prune', 'info', 'verify',
] as const satisfies readonly (keyof PerfCache)[]


export function createLazyCacheManager(ctx: RuntimeContext, beforeLoad?: () => Promise<void>): CacheManager {
  let real: CacheManager | undefined
  let loading: Promise<CacheManager> | undefined
  const load = (): Promise<CacheManager> => (loading ??= Promise.all([import('./index.js'), beforeLoad?.()])
    .then(([m]: [CacheModule, unknown]) => (real = m.createCacheManager(ctx))))
  const facades = new Map<string, PerfCache>()
  /** The last warm() waiting for the next turn of the event loop to load the cache code (they reach it in order). */
  let warming: Promise<PerfCache> | undefined

  /** A namespace that loads the cache on first use; `open` picks it out of the real manager. */
  function facade(name: string, open: (m: CacheManager) => PerfCache, canOpenOthers: boolean): PerfCache {
    let existing = facades.get(name)
    if (existing) return existing
    let target: PerfCache | undefined
    const ready = (): Promise<PerfCache> => (target ? Promise.resolve(target) : load().then(m => (target ??= open(m))))
    type Method = (...a: unknown[]) => Promise<unknown>
    // once loaded, a call goes straight to the real namespace
    const forward = (method: (typeof ASYNC_METHODS)[number]): Method =>
      (...args) => target ? (target[method] as Method)(...args) : ready().then(t => (t[method] as Method)(...args))
    // assigned one by one (in the order of before): spreading an object of them into a literal copied each through a slow path
    const self: Record<string, unknown> = { name }
    for (const method of ASYNC_METHODS) self[method] = forward(method)
    // warm() is background work: it (and loading the cache code for it, ≈ 5 ms) waits for the next turn
    // of the event loop, so a warm() before perf.run() does not hold back the command's start; close()
    // waits until it reached the real namespace, which then counts it as background work
    self.warm = (...args: unknown[]) => (warming = new Promise<void>(r => setImmediate(r)).then(ready)).then(t => (t.warm as Method)(...args))
    Object.assign(self, {
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
    })
    facades.set(name, self as unknown as PerfCache)
    return self as unknown as PerfCache
  }

  const manager: CacheManager = {
    get root() {
      return facade(DEFAULT_NAMESPACE, rootOf, true)
    },
    get shared() {
      return facade(SHARED_NAMESPACE, sharedOf, true)
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
      await warming?.catch(() => {})
      if (loading) await (await loading).close()
    },
  }
  return manager
}
