import type { Perf, PerfCache } from '../runtime/types.js'
import type { PerfHookHandlers, PerfHookRegistry } from './types.js'

/**
 * A plugin's own namespace (`plugin:<name>`): a {@link PerfCache} whose `namespace()` opens none.
 * Same shape as PerfCache (its `namespace()` is only marked deprecated, not typed `never`): a
 * plugin built against another copy of unperf must still fit the host's types.
 */
export interface PerfPluginCache extends PerfCache {
  /**
   * @deprecated Always throws `NamespaceAccessError`: a plugin's own cache opens no other namespace.
   * Use `perf.cache.namespace(name)`, or `shared`.
   */
  namespace(name: string): PerfCache
}

/** What a plugin's `setup()` receives. */
export interface PerfPluginContext<O = Record<string, unknown>> {
  /**
   * The host's instance. `perf.hooks` registers for this plugin until setup() settles, and in the
   * plugin's listeners (an `async` one's across its awaits); keep `hooks` for timers and callbacks.
   * `perf.run()` and `perf.close()` are the host's and reject for a plugin (`E_PLUGIN_LIFECYCLE`).
   * `perf.cache` is the host's default namespace: the plugin's own entries go through `cache`.
   */
  perf: Perf
  /**
   * This plugin's own namespace (`plugin:<name>`): only this plugin reaches it. Its `namespace()` opens
   * none (use `perf.cache.namespace()`). Its ttl, driver and limits are the host's: the root `cache`
   * settings, or the host config's `cache.namespaces['plugin:<name>']`; per entry, `set(key, value, { ttl })`.
   */
  cache: PerfPluginCache
  /** The namespace shared by all plugins (`shared`). */
  shared: PerfCache
  /**
   * Hooks registered here are reported with the plugin's name when they throw, run in the order of
   * `plugins`, and hear no `cache:*` event of another plugin's namespace.
   */
  hooks: PerfHookRegistry
  options: O
}

export interface PerfPlugin<O = Record<string, unknown>> {
  /** Unique name; its cache namespace is `plugin:<name>` (configured by the host: `cache.namespaces['plugin:<name>']`). */
  name: string
  /**
   * Listeners by hook name, registered before `config:resolved` fires (the one place to hear it).
   * A listener that throws is reported with the plugin's name; one of a hook unperf waits for
   * (`command:*`, `perf:ready`, `budget:exceeded`, `report`, `exit`) still pending after
   * `UNPERF_PLUGIN_TIMEOUT` (10 s) is reported and no longer waited for; at close (`budget:exceeded`,
   * `report`, `exit`) also as soon as nothing else is left to run (a promise that can never settle).
   */
  hooks?: { [K in keyof PerfHookHandlers]?: PerfHookHandlers[K] | undefined } | undefined
  /**
   * Runs once per `createPerf()`, after `config:resolved`, in the order of `plugins` (each awaited before
   * the next). Throwing is reported with the plugin's name and never stops the host; an async one
   * still pending after `UNPERF_PLUGIN_TIMEOUT` (10 s) is reported and left running.
   */
  setup?: ((ctx: PerfPluginContext<O>) => void | Promise<void>) | undefined
}
