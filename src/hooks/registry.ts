/**
 * The hook registry: hookable's HookableCore (no console.createTask per call) plus
 * `hookOnce`, `hasListeners` and `emit` (internal: never throws, reports listener errors).
 */
import { HookableCore } from 'hookable'
import type { PerfHookName, PerfHookRegistry, PerfHooks } from './types.ts'

export type ListenerErrorHandler = (name: PerfHookName, error: unknown) => void

export class PerfHookRegistryImpl extends HookableCore<PerfHooks> implements PerfHookRegistry {
  /** Called when a listener throws inside `emit()`. */
  onListenerError: ListenerErrorHandler = (name, error) => {
    process.emitWarning(`[unperf] a '${name}' hook listener threw: ${error instanceof Error ? error.message : String(error)}`)
  }

  hookOnce<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void {
    const once = ((...args: unknown[]) => {
      unregister()
      return (fn as (...a: unknown[]) => unknown)(...args)
    }) as PerfHooks[K]
    const unregister = this.hook(name, once)
    return unregister
  }

  hasListeners(name: PerfHookName): boolean {
    const list = this._hooks[name]
    return list !== undefined && list.length > 0
  }

  /**
   * Internal event emission: returns synchronously with no listeners, never rejects;
   * a listener's error goes to {@link onListenerError}. Await it only where order matters.
   */
  emit<K extends PerfHookName>(name: K, ...args: Parameters<PerfHooks[K]>): Promise<void> | void {
    const list = this._hooks[name]
    if (list === undefined || list.length === 0) return
    try {
      const result = this.callHook(name, ...args)
      if (result && typeof (result as Promise<void>).then === 'function') {
        return (result as Promise<void>).then(undefined, (error: unknown) => this.onListenerError(name, error))
      }
    } catch (error) {
      this.onListenerError(name, error)
    }
  }
}

export function createHookRegistry(): PerfHookRegistryImpl {
  return new PerfHookRegistryImpl()
}
