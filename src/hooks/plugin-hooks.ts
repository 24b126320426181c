/**
 * A plugin's view of the hooks. Every listener a plugin registers, by any route (its `hooks`
 * object, setup()'s `hooks`, `perf.hooks` while its setup() runs, before or after an await, and
 * `ctx.perf.hooks` or `getPerf().hooks` from one of its listeners while that runs synchronously,
 * and for an `async` listener across its awaits until it settles),
 * is wrapped here:
 * - its error is reported with the plugin's name and never thrown at the host;
 * - its `cache:*` events are those of its own namespace, `shared` and the host's namespaces, never
 *   another plugin's `plugin:*` namespace, whose keys often carry data (paths, urls, user names).
 * The registry's `owner` (registry.ts) is what routes `perf.hooks` to the plugin: set by
 * setupPlugins for the time of its setup() (awaits included: the host awaits the setups), and here
 * around each of its listeners' calls; past an await of an async listener, the stack (asPlugin, async-owner.ts);
 * for a setup() past its time limit, the registry's `overdueOwner` (plugin-overdue.ts).
 * An accident guard between plugins, not a sandbox: code in the same process can do what it likes.
 */
import { PerfError, PluginError, TimeoutError, type PluginErrorSource } from '../errors.js'
import { formatDuration } from '../config/units.js'
import type { WarnOnce } from '../runtime/_internal.js'
import { PLUGIN_PREFIX } from '../runtime/cache/names.js'
import type { HookOwner, PerfHookRegistryImpl } from './registry.js'
import { asyncOwners, awaiterFor } from './async-owner.js'
import { unknownHookMessage } from './unknown-hook.js'
import { PERF_HOOK_NAMES, type PerfHookName, type PerfHookRegistry, type PerfHooks } from './types.js'

const KNOWN_HOOKS = new Set<string>(PERF_HOOK_NAMES)

/** `phase`: loaded (its `hooks` registered), in or past its setup(), or perf:ready has fired. */
export type PluginHooks = PerfHookRegistry & {
  phase: 'load' | 'setup' | 'ready'
}

export interface PluginHooksContext {
  hooks: PerfHookRegistryImpl
  warn: WarnOnce
  report: (error: PluginError) => void
  /**
   * ms a listener of a hook the host waits for ({@link AWAITED}) is waited for (UNPERF_PLUGIN_TIMEOUT,
   * as setup(): plugins.ts); 0 or undefined: for ever.
   */
  limit?: number
}

/**
 * The hooks whose listeners unperf awaits before it goes on: createPerf() (config:resolved,
 * perf:ready), perf.run() (command:*), perf.close() (budget:exceeded, report, exit). A plugin's
 * listener of one that never settles (a request that never answers) held the host command, or its
 * exit, for ever. `cache:*`, `task:*` and `monitor:*` are fired without waiting: no limit needed.
 */
const AWAITED = new Set<string>(['config:resolved', 'perf:ready', 'command:before', 'command:after', 'command:error', 'budget:exceeded', 'report', 'exit'])

/**
 * Those fired by perf.close() once the report is written: a promise of theirs still pending when the
 * event loop runs dry is not waited for further (a CLI whose command finished lingered for the limit).
 */
const CLOSING = new Set<string>(['budget:exceeded', 'report', 'exit'])

type Listener = ((...args: unknown[]) => unknown) & { listener?: Listener; plugin?: PluginHooks; rank?: number }

/**
 * A `cache:*` event of a namespace this plugin must not see: another plugin's, or a namespace dir
 * found on disk whose name is a hash and left no marker (it may be another plugin's).
 */
function hiddenFrom(own: string): (event: unknown) => boolean {
  return event => {
    const ns = (event as { namespace?: unknown } | null)?.namespace
    if (typeof ns !== 'string') return false
    return (ns.startsWith(PLUGIN_PREFIX) && ns !== own) || (ns.startsWith('n-~') && ns.length === 67)
  }
}

/**
 * `rank`: the plugin's place in `plugins` (its listeners run after those of the plugins before it);
 * `source`: where it is listed (its errors name it), looked up when one of them is reported.
 */
export function pluginHooks(plugin: string, rank: number, ctx: PluginHooksContext, source?: () => PluginErrorSource): PluginHooks {
  const registry = ctx.hooks
  const hidden = hiddenFrom(PLUGIN_PREFIX + plugin)
  const fail = (name: string, error: unknown, where = `hook '${name}'`) => ctx.report(new PluginError(plugin, where, error, source?.()))
  const limit = ctx.limit ?? 0

  const register = (name: PerfHookName, fn: Listener, once: boolean): (() => void) => {
    check(name)
    if (typeof fn !== 'function') return () => {}
    const filter = name.startsWith('cache:') ? hidden : undefined
    const waited = limit > 0 && AWAITED.has(name)
    let off: (() => void) | undefined
    // an `async` listener's code after its awaits is the plugin's too (asContext); a plain one's is
    // the plugin's while it runs synchronously (`owner`): no context to carry, nothing paid
    const async = isAsync(fn)
    // its rejection, reported (made once: not a closure per call)
    const failed = (error: unknown) => fail(name, error)
    const safe: Listener = (...args) => {
      if (filter !== undefined && filter(args[0])) return
      if (once) off!() // fired: no longer registered
      const before = registry.owner
      registry.owner = view
      try {
        // an async listener's awaiter reports its rejection itself, unless the host waits for it (settledWithin)
        const result = async ? asPlugin(registry, view, fn, args, waited ? undefined : failed) : fn(...args)
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          if (waited) return settledWithin(result as Promise<unknown>, name)
          return async ? result : (result as Promise<unknown>).then(undefined, failed)
        }
        return result
      } catch (error) {
        fail(name, error)
      } finally {
        registry.owner = before
      }
    }
    // perf.hooks.removeHook(name, fn) and this plugin's removeHook find it by the function it wraps
    safe.listener = fn
    safe.plugin = view
    off = registry.add(name, safe, rank)
    return off
  }

  /**
   * A listener's promise of a hook the host waits for, waited for up to `limit` ms: past it, reported
   * and left running (the host goes on, as for a setup() past its limit); its rejection after that
   * is reported too. Its code after the limit is still the plugin's (asPlugin counts it pending until it settles).
   */
  const settledWithin = (result: Promise<unknown>, name: string): Promise<void> => {
    let late = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let stuck: (() => void) | undefined
    const settled = result.then(() => {}, (error: unknown) => fail(name, error, late ? `hook '${name}' (past its time limit)` : undefined))
    const timedOut = new Promise<void>(resolve => {
      const giveUp = (message: string) => {
        late = true
        const error = new TimeoutError(`hook '${name}'`, limit)
        error.message = `[unperf] ${message}`
        fail(name, error)
        resolve()
      }
      timer = setTimeout(() => giveUp(`the listener did not finish within ${formatDuration(limit)}: unperf goes on without waiting for it (UNPERF_PLUGIN_TIMEOUT=<ms> waits longer, 0 for ever)`), limit)
      if (!CLOSING.has(name)) return
      // the run's end (its report written): a promise that holds nothing open can never settle, and
      // the CLI whose command finished lingered for the whole limit. The timer does not hold the
      // process; when nothing else does, the event loop runs dry ('beforeExit') and the wait ends
      // there; a listener with work in flight (an upload: its socket) is still waited for, up to the limit
      timer.unref()
      stuck = () => giveUp('the listener\'s promise was still pending when nothing else was left to run: nothing can settle it any more, so unperf goes on without it (a listener must resolve or reject its promise)')
      process.prependOnceListener('beforeExit', stuck)
    })
    return Promise.race([settled, timedOut]).finally(() => {
      clearTimeout(timer)
      if (stuck) process.removeListener('beforeExit', stuck)
    })
  }

  // a slip in registering, warned naming where the plugin is listed, as its failures are
  // (`plugin 'p' (plugins[1] in perf.config.ts:9:5)`): the position looked up on a slip only
  const slip = (code: string, name: string, message: (named: string) => string) => {
    const { listed, file, path } = source?.() ?? {}
    ctx.warn(`${code}:${plugin}:${name}`, message(`plugin '${plugin}'${listed ? ` (${listed})` : ''}`), { plugin, ...(file !== undefined && { file }), ...(path !== undefined && { path }) })
  }
  const check = (name: string) => {
    if (!KNOWN_HOOKS.has(name)) slip('plugin-unknown-hook', name, named => unknownHookMessage(name, named))
    else if (name === 'config:resolved' && view.phase !== 'load') {
      slip('plugin-late-hook', name, named => `${named} registers 'config:resolved' ${view.phase === 'setup' ? 'in setup()' : 'after perf:ready'}, after it fired: declare it in the plugin's \`hooks\` instead`)
    } else if (name === 'perf:ready' && view.phase === 'ready') {
      slip('plugin-late-hook', name, named => `${named} registers 'perf:ready' after it fired: it will not fire again (perf is ready: run that code where it is registered)`)
    }
  }

  const view: PluginHooks = {
    phase: 'load',
    hook: (name, fn) => register(name, fn as Listener, false),
    hookOnce: (name, fn) => register(name, fn as Listener, true),
    // one registration a call, the oldest still registered, as perf.hooks.removeHook does
    removeHook: (name, fn) => registry.removeWhere(name, l => (l as Listener).plugin === view && (l as Listener).listener === fn),
    callHook: (name, ...args) => registry.callHook(name, ...args),
    hasListeners: name => registry.hasListeners(name),
  }
  return view
}

/** An `async` function (or arrow): its code after an await is still its caller's, which a context can carry. */
export function isAsync(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'AsyncFunction'
}

/**
 * `fn(...args)` as `owner`'s code, also after its awaits: called with the registry's `owner` set to
 * it (by the caller), then awaited by the plugin's named async function, which the registry finds
 * on the stack of what continues it while the call is pending
 * (async-owner.ts; no AsyncLocalStorage: on Node 20 it made every promise of the process pay).
 */
export function asPlugin(registry: PerfHookRegistryImpl, owner: HookOwner, fn: (...args: unknown[]) => unknown, args: unknown[], onError?: (error: unknown) => void): unknown {
  const owners = (registry.async ??= asyncOwners())
  // its code up to its first await runs here, under the registry's `owner` (the caller set it); the
  // rest under the awaiter, which counts it pending until it settles (no promise of its own for that)
  return awaiterFor(owners, owner)(fn(...args), owners, onError)
}

/**
 * perf.run() and perf.close() are the host's: a plugin that closed perf in its setup() wrote the
 * run's report, history and `exit` before any command ran; one that ran a command from setup()
 * ended startup there and added a command the CLI does not have to the budgets and history. Both
 * are refused while a plugin's code runs (its setup(), one of its listeners: the registry's currentOwner()).
 */
export function lifecycleRefusal(method: 'run' | 'close'): PerfError {
  return new PerfError('E_PLUGIN_LIFECYCLE', method === 'run'
    ? `a plugin cannot call perf.run(): commands are the host CLI's (each is a budget, a history series and ends startup); time the plugin's own work with perf.span(name, fn)`
    : `a plugin cannot call perf.close(): it ends the host's run (report, budgets, history, the exit hook) and is the host's to do (its adapter closes perf on every path)`)
}
