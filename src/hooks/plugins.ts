/**
 * Plugins: resolve (object, module specifier, or [either, options]), register their hooks and
 * run setup. A plugin's failure is reported with its name and never stops the host command.
 * Namespaces named `plugin:<name>` are reachable only through that plugin's own `cache`: an
 * accident guard between plugins, not a sandbox against hostile code in the same process.
 */
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { argumentError, PluginError, TimeoutError, errorMessage, type PluginErrorSource } from '../errors.js'
import { describeInput } from '../runtime/describe-input.js'
import { fromBundle, importLocal, importPackage, resolveFrom } from './plugin-module.js'
import { formatDuration } from '../config/units.js'
import { pluginFromExports } from '../config/plugin-exports.js'
import { moduleDefault, noDefault } from '../config/plugin-module-default.js'
import type { ResolvedPluginRef } from '../config/types.js'
import { onePerName, type ListedPlugin } from '../config/plugin-entries.js'
import { pluginErrorSource } from '../config/plugin-position.js'
import type { CacheManager, WarnOnce } from '../runtime/_internal.js'
import type { Perf } from '../runtime/types.js'
import type { PerfPlugin, PerfPluginCache } from './plugin-types.js'
import { pluginHooks, type PluginHooks } from './plugin-hooks.js'
import { overdueSetups, type OverdueSetups } from './plugin-overdue.js'
import { checkPluginShape } from './plugin-shape.js'
import type { PerfHookRegistryImpl } from './registry.js'
import type { PerfHookName, PerfHooks } from './types.js'
import { timerDelay } from '../runtime/clock.js'
import { bundleFor, type PluginBundle } from '../config/plugin-bundle.js'
import { mapBundleStack } from '../config/plugin-bundle-stack.js'

export interface PluginSetupContext {
  perf: Perf
  hooks: PerfHookRegistryImpl
  cache: CacheManager
  rootDir: string
  warn: WarnOnce
  /** Report a plugin failure (printed once per plugin and place): {@link reportPluginError}. */
  report: (error: PluginError) => void
  /** ms a setup() or an awaited hook's listener is waited for (UNPERF_PLUGIN_TIMEOUT); 0: for ever. */
  limit: number
  /** Work for once the run is closed (perf.close()): a stale plugin bundle's rebuild. */
  afterClose?: (task: () => void | Promise<void>) => void
}

/** A plugin's failure as a warning, once per plugin and place, the report's entry naming where it is listed. */
function reportPluginError(warn: WarnOnce, error: PluginError): void {
  warn(`plugin:${error.plugin}:${error.hook}`, errorMessage(error), { plugin: error.plugin, ...(error.file !== undefined && { file: error.file }), ...(error.path !== undefined && { path: error.path }) })
}

/**
 * Load every plugin, keep one instance per name (see {@link onePerName}), register its `hooks`,
 * call `resolved()` (which fires config:resolved, so a plugin's own `config:resolved` hook sees it),
 * then run each plugin's setup() in order.
 */
export async function setupPlugins(refs: ResolvedPluginRef[], host: Omit<PluginSetupContext, 'report' | 'limit'>, resolved?: () => Promise<void> | void): Promise<string[]> {
  // built here, off the start path: only a process with plugins needs it
  // how long a setup(), and a listener of a hook the host waits for, is waited for (plugin-hooks.ts)
  // the plugin files listed by path, from the config snapshot's plugin bundle when it is fresh
  const bundle = host.perf.config.bundlePlugins ? bundleFor(refs, host.afterClose, host.warn) : undefined
  const report = (error: PluginError) => {
    // a plugin's code ran from the bundle: its stack's positions back in the plugin's own file
    if (bundle?.opened) mapBundleStack(error, bundle.file)
    reportPluginError(host.warn, error)
  }
  const ctx: PluginSetupContext = { ...host, report, limit: setupTimeout(host.warn) }
  const entries: ListedPlugin<PerfPlugin<Record<string, unknown>>>[] = []
  for (const { ref, plugin, error } of await loadPlugins(refs, ctx.rootDir, bundle)) {
    if (plugin) entries.push({ name: plugin.name, plugin, ref })
    // where its entry is written (`plugins[0] in perf.config.ts:4:5`): looked up now, on this error only (plugin-position.ts)
    else ctx.report(new PluginError(typeof ref.plugin === 'string' ? ref.plugin : '(unnamed)', 'load', error, pluginErrorSource(ref)))
  }
  const loaded: Array<ListedPlugin<PerfPlugin<Record<string, unknown>>> & { hooks: PluginHooks }> = []
  // once perf:ready fires (this runs before the plugins' own listeners of it), registering it or
  // config:resolved is a listener that never runs: warned
  ctx.hooks.hookOnce('perf:ready', () => { for (const { hooks } of loaded) hooks.phase = 'ready' })
  for (const entry of onePerName(entries, ctx.warn, ref => pluginErrorSource(ref).listed)) {
    const hooks = pluginHooks(entry.name, loaded.length, ctx, () => pluginErrorSource(entry.ref))
    // a `hooks` entry or `setup` that is not a function, a misspelt key: warned (skipped without a word before)
    checkPluginShape(entry.plugin as unknown as Record<string, unknown>, ctx.warn, () => pluginErrorSource(entry.ref).listed)
    const own = entry.plugin.hooks
    // (an array's listeners were registered under the hook names '0', '1', ...)
    if (own && typeof own === 'object' && !Array.isArray(own)) {
      for (const [hookName, fn] of Object.entries(own)) {
        if (typeof fn === 'function') hooks.hook(hookName as PerfHookName, fn as PerfHooks[PerfHookName])
      }
    }
    loaded.push({ ...entry, hooks })
  }
  await resolved?.()
  const limit = ctx.limit
  // a setup() past its limit: what it registers stays its plugin's (plugin-overdue.ts)
  const overdue = limit === 0 ? undefined : overdueSetups(ctx.hooks, () => settingUp)
  // one timer for the setups, which run one after another: re-armed for each
  const bound = overdue && setupBound(limit)
  let settingUp: PluginHooks | undefined
  try {
    for (const { name, plugin, hooks, ref } of loaded) {
      if (typeof plugin.setup !== 'function') continue
      const source = () => pluginErrorSource(ref)
      hooks.phase = 'setup'
      // until its setup() settles (or its time is up), what is registered on perf.hooks is this
      // plugin's (nothing else runs then: the host awaits createPerf), and perf.run()/close() refused
      ctx.hooks.owner = settingUp = hooks
      try {
        // its namespace() throws (opened with canOpenOthers false): typed `never` for the plugin's author
        const cache = ctx.cache.pluginNamespace(name) as PerfPluginCache
        const setupContext = { perf: ctx.perf, cache, shared: ctx.cache.shared, hooks, options: ref.options }
        // no AsyncLocalStorage here: `owner` is this plugin's across the awaits of its setup() (the host
        // awaits createPerf meanwhile); switching a context on for the setups of 20 plugins made every
        // promise of them pay V8's promise hook, ≈ 5 ms of the start (an async listener's calls, later,
        // run in one: asPlugin). A setup() still running past its time limit: plugin-overdue.ts.
        const done = plugin.setup(setupContext) as void | PromiseLike<void>
        if (done && typeof done.then === 'function') await (bound && overdue ? settledWithin(done, bound, { name, source, hooks, overdue }, ctx) : done)
      } catch (error) {
        ctx.report(new PluginError(name, 'setup', error, source()))
      } finally {
        ctx.hooks.owner = settingUp = undefined
      }
    }
  } finally {
    bound?.stop()
  }
  ctx.hooks.pluginsSetUp()
  return loaded.map(l => l.name)
}


/**
 * How long an async setup(), and a plugin's listener of a hook the host waits for, is waited for:
 * `UNPERF_PLUGIN_TIMEOUT` (ms; 0 waits for ever), else 10 s.
 */
const SETUP_TIMEOUT = 10_000

function setupTimeout(warn: WarnOnce): number {
  const raw = process.env.UNPERF_PLUGIN_TIMEOUT
  if (raw === undefined || raw === '') return SETUP_TIMEOUT
  const ms = Number(raw)
  if (Number.isFinite(ms) && ms >= 0) return timerDelay(ms) // a timer's longest: a longer one fires after 1 ms
  warn('plugin-timeout-env', `UNPERF_PLUGIN_TIMEOUT='${raw}' is not a number of milliseconds (0 waits for ever); using ${SETUP_TIMEOUT}`)
  return SETUP_TIMEOUT
}

interface SetupOf {
  name: string
  /** Where its entry is written, looked up when a message needs it. */
  source: () => PluginErrorSource
  hooks: PluginHooks
  overdue: OverdueSetups
}

/**
 * The time limit of the setups, one at a time: one timer for them all, re-armed (refresh()) for
 * each. A timer per setup (its object, async id and list insertion) and a race of three promises
 * around it cost 20 plugins ≈ 0.6 M instructions and 32 kB of young generation at start
 * (bench/results/scenario-cli-sdk-plugins.md, session 30).
 */
interface SetupBound {
  limit: number
  /** Runs `late` once `limit` ms from now, unless disarmed or armed again first. */
  arm(late: () => void): void
  disarm(): void
  /** No timer left: the process may exit. */
  stop(): void
}

function setupBound(limit: number): SetupBound {
  let late: (() => void) | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const fire = () => {
    const f = late
    late = undefined
    f?.()
  }
  return {
    limit,
    arm(f) {
      late = f
      if (timer) timer.refresh()
      else timer = setTimeout(fire, limit)
    },
    disarm() { late = undefined },
    stop() { if (timer) clearTimeout(timer) },
  }
}

/**
 * Waits for a plugin's setup() up to the bound's limit. One that has not settled by then (a request
 * that never answers) is reported and left running: the host command goes on instead of hanging on
 * it; should it reject later, that is reported too. What it registers meanwhile stays the plugin's.
 */
function settledWithin(done: PromiseLike<void>, bound: SetupBound, { name, source, hooks, overdue }: SetupOf, ctx: PluginSetupContext): Promise<void> {
  const { awaited, mark } = overdue.track(done)
  return new Promise<void>((resolve, reject) => {
    let late = false
    bound.arm(() => {
      late = true
      overdue.overdue(mark, hooks)
      const error = new TimeoutError('setup()', bound.limit)
      error.message = `[unperf] setup() did not finish within ${formatDuration(bound.limit)}: the command goes on without waiting for it (UNPERF_PLUGIN_TIMEOUT=<ms> waits longer, 0 for ever)`
      ctx.report(new PluginError(name, 'setup', error, source()))
      resolve()
    })
    // settled in time: the bound is this setup's still (the next one arms it only after this resolves)
    awaited.then(() => {
      if (late) overdue.settled(mark)
      else { bound.disarm(); resolve() }
    }, (error: unknown) => {
      if (!late) { bound.disarm(); reject(error); return }
      overdue.settled(mark)
      ctx.report(new PluginError(name, 'setup (past its time limit)', error, source()))
    })
  })
}

/** Plugins loaded from a file, by that file (a package's: its resolved file), for one loadPlugins. */
export type PluginLoads = Map<string, Promise<PerfPlugin<Record<string, unknown>>>>

/** A `plugins` entry and its plugin, or the error its load failed with. */
export type PluginLoad = { ref: ResolvedPluginRef; plugin: PerfPlugin<Record<string, unknown>>; error?: undefined }
  | { ref: ResolvedPluginRef; plugin?: undefined; error: unknown }

/**
 * The config's `plugins` entries loaded in order as a run loads them (setupPlugins, `unperf doctor`,
 * `unperf cache --namespace plugin:<name>`): two entries of one file (a preset's and the project's)
 * import it, and call a factory, once; an entry that fails does not stop the next.
 */
export async function loadPlugins(refs: readonly ResolvedPluginRef[], rootDir: string, bundle?: PluginBundle): Promise<PluginLoad[]> {
  const once: PluginLoads = new Map()
  const loads: PluginLoad[] = []
  for (const ref of refs) {
    try {
      loads.push({ ref, plugin: await loadPlugin(ref.plugin, rootDir, once, bundle) })
    } catch (error) {
      loads.push({ ref, error })
    }
  }
  return loads
}

/**
 * A `plugins` entry's plugin. `once`: the files already loaded by earlier entries; an entry whose
 * path or package resolves to one of them gets that plugin (its factory is not called again).
 */
export async function loadPlugin(ref: PerfPlugin<never> | string, rootDir: string, once?: PluginLoads, bundle?: PluginBundle): Promise<PerfPlugin<Record<string, unknown>>> {
  if (typeof ref !== 'string') return checkedPlugin(ref)
  const local = ref.startsWith('.') || isAbsolute(ref)
  // resolved once here, the import below takes what was found (no second lookup)
  const target = local ? resolve(rootDir, ref) : await resolveFrom(ref, rootDir)
  const key = target.startsWith('file:') ? fileURLToPath(target) : target
  let loading = once?.get(key)
  if (loading === undefined) {
    loading = (local ? (bundle?.files.has(key) ? fromBundle(bundle, key, rootDir) : importLocal(target, rootDir)) : importPackage(ref, target, rootDir))
      // a package compiled to CommonJS (exports.default = plugin): import() gives module.exports;
      // a default that is null is that (not the namespace: "got null", not "an object without one");
      // a namespace, or a CommonJS module.exports marked __esModule, without a default, and a plain
      // CommonJS module of plugins by name: said so (noDefault, moduleDefault)
      .then(mod => checkedPlugin(pluginFromExports(noDefault(moduleDefault(mod)))), async (error: unknown) => {
        // a file that does not compile: its message named no file (plugin-syntax-error.ts)
        if (!(error instanceof SyntaxError) || target === ref && !local) throw error
        throw await (await import('./plugin-syntax-error.js')).locatedSyntaxError(error, key)
      })
    once?.set(key, loading)
  }
  return loading
}

/** A plugin object, or what a factory (a function exported instead) returns. */
async function checkedPlugin(value: unknown): Promise<PerfPlugin<Record<string, unknown>>> {
  let plugin = value
  if (typeof plugin === 'function') {
    const factory = plugin as (...args: unknown[]) => unknown
    try {
      plugin = await factory()
    } catch (error) {
      throw factory.length > 0 ? factoryError(error) : error
    }
  }
  const object = !!plugin && typeof plugin === 'object' && !Array.isArray(plugin)
  const name: unknown = object ? (plugin as { name?: unknown }).name : undefined
  if (typeof name !== 'string' || !name) {
    // what came: a module whose default is null, an object without `name`, a name of another type
    const got = !object ? describeInput(plugin) : name === undefined ? 'an object without one' : `name: ${describeInput(name)}`
    throw argumentError(`a plugin must be an object with a non-empty \`name\` (use definePerfPlugin), got ${got}`)
  }
  return plugin as PerfPlugin<Record<string, unknown>>
}

/**
 * A factory written as rollup's and vite's plugins are, `export default (options) => ({ ... })`, is
 * called with no argument (once per file, whatever its entries' options): one that read its options
 * there failed with `Cannot read properties of undefined (reading 'level')` and nothing more. Said
 * where the options go; the error's own frames kept (the plugin's file, mapped back from a bundle).
 */
function factoryError(error: unknown): Error {
  const wrapped = new Error(`${errorMessage(error)} (in the plugin's factory function, which unperf calls once with no argument: the entry's options come to setup({ options }), not to it)`, { cause: error })
  const frames = error instanceof Error && typeof error.stack === 'string' ? error.stack.slice(error.stack.indexOf('\n    at ')) : ''
  if (frames.startsWith('\n    at ')) wrapped.stack = `Error: ${wrapped.message}${frames}`
  return wrapped
}
