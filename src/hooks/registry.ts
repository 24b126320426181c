/**
 * The hook registry: hookable's HookableCore (no console.createTask per call) plus
 * `hookOnce`, `hasListeners` and `emit` (internal: never throws; a listener's error is reported
 * and the listeners after it still run).
 */
import { HookableCore } from 'hookable'
import type { PerfHookName, PerfHookRegistry, PerfHooks } from './types.js'
import { errorMessage } from '../errors.js'

export type ListenerErrorHandler = (name: PerfHookName, error: unknown) => void
type Listener = (...args: any[]) => any
/** A hookOnce() wrapper, with the function it wraps. */
type Once = Listener & { listener?: Listener }

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

  hook<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
    return this._core.hook(name, fn as Listener)
  }

  hookOnce<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
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
    const list = this._core.listeners(name)
    if (list === undefined) return
    const target = list.includes(fn as Listener) ? fn as Listener : list.find(l => (l as Once).listener === fn)
    if (target !== undefined) this._core.removeHook(name, target)
  }

  callHook<K extends PerfHookName>(name: K, ...args: Parameters<PerfHooks[K]>): Promise<void> | void {
    return this._core.callHook(name, ...args) as Promise<void> | void
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
    return this._emitFrom(name, list.slice(), args, 0)
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
