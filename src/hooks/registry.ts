/**
 * The hook registry: hookable's HookableCore (no console.createTask per call) plus
 * `hookOnce`, `hasListeners` and `emit` (internal: never throws; a listener's error is reported
 * and the listeners after it still run).
 *
 * Listeners run in the order of `plugins` (see `add`). While a plugin's own code runs (its
 * setup() until it settles, one of its listeners synchronously), `owner` is
 * that plugin's hooks (plugin-hooks.ts); after an await in one of its `async` listeners, the stack
 * tells it (async-owner.ts; an async setup() is awaited by the host, so `owner` stays set): `perf.hooks.hook()` called from there, through
 * `ctx.perf` or `getPerf()`, registers for the plugin, so its listener reports with its name.
 */
import { HookableCore } from 'hookable'
import { PERF_HOOK_NAMES, type PerfHookName, type PerfHookRegistry, type PerfHooks } from './types.js'
import { errorMessage } from '../errors.js'
import { asHost, callAsHost, stackOwner, type AsyncOwners } from './async-owner.js'

export type ListenerErrorHandler = (name: PerfHookName, error: unknown) => void
type Listener = (...args: any[]) => any
// the hook names' list itself, searched (19 names, a hook() call or two a run): a Set of them was
// ≈ 1.4 kB of young generation at every start (session 29)
const KNOWN: readonly string[] = PERF_HOOK_NAMES
/**
 * A wrapper (hookOnce(), a plugin's listener), with the function it wraps (what removeHook(name, fn)
 * finds it by) and, for a plugin's, its plugin's place in `plugins` (`rank`).
 */
type Once = Listener & { listener?: Listener; rank?: number }

/** Whoever registers for a plugin: its hooks (plugin-hooks.ts). */
export interface HookOwner {
  hook(name: PerfHookName, fn: Listener): () => void
  hookOnce(name: PerfHookName, fn: Listener): () => void
}

class Core extends HookableCore<Record<string, Listener>> {
  listeners(name: string): Listener[] | undefined {
    return this._hooks[name] as Listener[] | undefined
  }

  /** hook(), at index `at` of the list instead of its end. */
  insert(name: string, fn: Listener, at: number): () => void {
    const list = (this._hooks[name] ??= [])
    list.splice(at, 0, fn)
    let registered = true
    return () => {
      if (registered) this.removeHook(name, fn)
      registered = false
    }
  }
}

/** util.inspect's hook, by its registered name (no import of node:util). */
const INSPECT = Symbol.for('nodejs.util.inspect.custom')

export class PerfHookRegistryImpl implements PerfHookRegistry {
  private readonly _core = new Core()

  /** Called when a listener throws inside `emit()`. */
  onListenerError: ListenerErrorHandler = (name, error) => {
    process.emitWarning(`[unperf] a '${name}' hook listener threw: ${errorMessage(error)}`)
  }

  /**
   * The host's hook()/hookOnce() of a name unperf never fires (a typo), or of one in `spent` (fired
   * for the last time: `config:resolved`, `perf:ready` once createPerf() returned): perf.ts warns,
   * once per name; the listener is registered.
   */
  onUnknownName: ((name: string) => void) | undefined
  spent: ReadonlySet<string> | undefined

  /** The plugin whose code runs now (its setup(), one of its listeners): hook() and hookOnce() register for it. */
  owner: HookOwner | undefined

  /**
   * The plugins' `async` listener calls (plugin-hooks.ts asPlugin): the plugin whose call this code
   * continues, across its awaits, is read from the stack while one is pending (async-owner.ts):
   * hook() and hookOnce() register for it when no `owner` is set. Made by the first such call
   * (async-owner.ts is a deferred module: a start without plugins never loads it).
   */
  async: AsyncOwners | undefined

  /**
   * Set only while a plugin's async setup() runs past its time limit (plugin-overdue.ts): the plugin
   * whose setup() the calling code continues, read from the stack, else undefined.
   */
  overdueOwner: (() => HookOwner | undefined) | undefined

  /** A plugin's async listener call (or code continuing it) may be what runs: one is pending. */
  private _asyncPending(): boolean {
    return this.async !== undefined && this.async.pending > 0
  }

  /** Who registers a listener now: the plugin whose code runs (synchronously, else across its awaits), or the host (undefined). */
  currentOwner(): HookOwner | undefined {
    return this.overdueOwner?.() ?? this.owner ?? (this._asyncPending() ? stackOwner(this.async!) : undefined)
  }

  /**
   * Listeners run in this order, whenever each was registered: the host's registered before the
   * plugins were set up (config hooks), each plugin's in the order of `plugins`, then the host's
   * registered since (`late`). A plugin listed first sees each event first, also when a plugin
   * after it declared its listener in its `hooks` object and the first one registered in setup().
   */
  private readonly _late = new WeakSet<Listener>()
  private _hostLate = false

  /** From now on, the host's new listeners run after every plugin's (setupPlugins, once they are set up). */
  pluginsSetUp(): void {
    this._hostLate = true
  }

  // its state out of sight of a user's console.log(perf) / JSON.stringify (the perf:ready payload):
  // its API is its methods. On the prototype: nothing per instance (perf.ts says why)
  [INSPECT](): string {
    return 'PerfHookRegistryImpl {}'
  }

  toJSON(): Record<string, never> {
    return {}
  }

  hook<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
    const owner = this.currentOwner()
    if (owner !== undefined) return owner.hook(name, fn as Listener)
    if (!KNOWN.includes(name) || this.spent?.has(name)) this.onUnknownName?.(name)
    if (this._hostLate) this._late.add(fn as Listener)
    return this._core.hook(name, fn as Listener)
  }

  /** Adds a plugin's listener (its wrapper) at its plugin's place: after the listeners of the plugins before it. */
  add(name: PerfHookName, fn: Once, rank: number): () => void {
    fn.rank = rank
    const list = this._core.listeners(name)
    let at = list === undefined ? 0 : list.length
    while (at > 0 && this._rank(list![at - 1]!) > rank) at--
    return this._core.insert(name, fn, at)
  }

  private _rank(listener: Once): number {
    return listener.rank ?? (this._late.has(listener) ? Number.POSITIVE_INFINITY : -1)
  }

  hookOnce<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
    const owner = this.currentOwner()
    if (owner !== undefined) return owner.hookOnce(name, fn as Listener)
    if (!KNOWN.includes(name) || this.spent?.has(name)) this.onUnknownName?.(name)
    const once: Once = (...args) => {
      unregister()
      return (fn as Listener)(...args)
    }
    // removeHook(name, fn) finds it by the function it was given (as EventEmitter's once does)
    once.listener = fn as Listener
    if (this._hostLate) once.rank = Number.POSITIVE_INFINITY
    const unregister = this._core.hook(name, once)
    return unregister
  }

  removeHook<K extends PerfHookName>(name: K, fn: PerfHooks[K]): void {
    this.removeWhere(name, l => l === fn || (l as Once).listener === fn)
  }

  /** Removes the oldest listener of `name` that `match` accepts (a plugin's hooks: one of its own). */
  removeWhere(name: PerfHookName, match: (listener: Listener) => boolean): void {
    const list = this._core.listeners(name)
    if (list === undefined) return
    const target = list.find(match)
    if (target !== undefined) this._core.removeHook(name, target)
  }

  callHook<K extends PerfHookName>(name: K, ...args: Parameters<PerfHooks[K]>): Promise<void> | void {
    // no listener: nothing to call (as hookable's core), before asking whose code this is
    const list = this._core.listeners(name)
    if (list === undefined || list.length === 0) return
    const owner = this.owner
    if (owner === undefined && !this._asyncPending() && this.overdueOwner === undefined) return this._core.callHook(name, ...args) as Promise<void> | void
    // a plugin's code may be what calls the listeners: the host's among them register as the host's
    // (a copy of the list: a listener may remove itself, hookOnce, or add one while the call runs)
    this.owner = undefined
    try {
      return callAsHost(list.slice(), args)
    } finally {
      this.owner = owner
    }
  }

  hasListeners(name: PerfHookName): boolean {
    const list = this._core.listeners(name)
    return list !== undefined && list.length > 0
  }

  /**
   * Internal event emission: returns synchronously with no listeners, never rejects;
   * a listener's error goes to {@link onListenerError}. Await it only where order matters.
   */
  emit<K extends PerfHookName>(name: K, ...args: Parameters<PerfHooks[K]>): Promise<void> | void {
    const list = this._core.listeners(name)
    if (list === undefined || list.length === 0) return
    const owner = this.owner
    if (owner === undefined && !this._asyncPending() && this.overdueOwner === undefined) return this._emitFrom(name, list.slice(), args, 0)
    // emitted while a plugin's code may run (its cache.set() from a listener): the host's listeners register as the host's
    this.owner = undefined
    try {
      return asHost(() => this._emitFrom(name, list.slice(), args, 0))
    } finally {
      this.owner = owner
    }
  }

  /** Each listener in turn (awaiting a promise before the next); an error is reported, not fatal. */
  private _emitFrom(name: PerfHookName, list: Listener[], args: unknown[], from: number): Promise<void> | void {
    for (let i = from; i < list.length; i++) {
      let result: unknown
      try {
        result = list[i]!(...args)
      } catch (error) {
        this.onListenerError(name, error)
        continue
      }
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return Promise.resolve(result).then(undefined, (error: unknown) => this.onListenerError(name, error))
          .then(() => this._emitFrom(name, list, args, i + 1))
      }
    }
  }
}

export function createHookRegistry(): PerfHookRegistryImpl {
  return new PerfHookRegistryImpl()
}
