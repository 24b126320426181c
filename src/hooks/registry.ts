/**
 * The hook registry: hookable's HookableCore (no console.createTask per call) plus
 * `hookOnce`, `hasListeners` and `emit` (internal: never throws; a listener's error is reported
 * and the listeners after it still run).
 *
 * While a plugin's own code runs synchronously (its setup(), one of its listeners), `owner` is
 * that plugin's hooks (plugin-hooks.ts): `perf.hooks.hook()` called from there, through
 * `ctx.perf` or `getPerf()`, registers for the plugin, so its listener reports with its name.
 */
import { HookableCore } from 'hookable'
import type { PerfHookName, PerfHookRegistry, PerfHooks } from './types.js'
import { errorMessage } from '../errors.js'

export type ListenerErrorHandler = (name: PerfHookName, error: unknown) => void
type Listener = (...args: any[]) => any
/** A wrapper (hookOnce(), a plugin's listener), with the function it wraps: what removeHook(name, fn) finds it by. */
type Once = Listener & { listener?: Listener }

/** Whoever registers for a plugin: its hooks (plugin-hooks.ts). */
export interface HookOwner {
  hook(name: PerfHookName, fn: Listener): () => void
  hookOnce(name: PerfHookName, fn: Listener): () => void
}

class Core extends HookableCore<Record<string, Listener>> {
  listeners(name: string): Listener[] | undefined {
    return this._hooks[name] as Listener[] | undefined
  }
}

export class PerfHookRegistryImpl implements PerfHookRegistry {
  private readonly _core = new Core()

  /** Called when a listener throws inside `emit()`. */
  onListenerError: ListenerErrorHandler = (name, error) => {
    process.emitWarning(`[unperf] a '${name}' hook listener threw: ${errorMessage(error)}`)
  }

  /** The plugin whose code runs now (synchronously): hook() and hookOnce() register for it. */
  owner: HookOwner | undefined

  hook<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
    if (this.owner !== undefined) return this.owner.hook(name, fn as Listener)
    return this._core.hook(name, fn as Listener)
  }

  /** Adds a listener as it is, whoever's code runs (a plugin's wrapper, by its plugin's hooks). */
  add(name: PerfHookName, fn: Listener): () => void {
    return this._core.hook(name, fn)
  }

  hookOnce<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
    if (this.owner !== undefined) return this.owner.hookOnce(name, fn as Listener)
    const once: Once = (...args) => {
      unregister()
      return (fn as Listener)(...args)
    }
    // removeHook(name, fn) finds it by the function it was given (as EventEmitter's once does)
    once.listener = fn as Listener
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
    const owner = this.owner
    if (owner === undefined) return this._core.callHook(name, ...args) as Promise<void> | void
    // a plugin's code calls the listeners: the host's among them register as the host's
    this.owner = undefined
    try {
      return this._core.callHook(name, ...args) as Promise<void> | void
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
    if (owner === undefined) return this._emitFrom(name, list.slice(), args, 0)
    // emitted while a plugin's code runs (its cache.set() from a listener): the host's listeners register as the host's
    this.owner = undefined
    try {
      return this._emitFrom(name, list.slice(), args, 0)
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
