/**
 * `callHook()`'s dispatch: the listeners in turn, each one's promise settled before the next is
 * called, the first error (thrown or rejected) rejecting the call and skipping the rest, as
 * hookable's `callHook` does; synchronous (undefined) while no listener returns a promise.
 *
 * Past the first promise, one async function awaits the rest: hookable chains a `.then()` per
 * listener whose callback returns the next listener's promise, so each listener of a call cost a
 * closure, a promise and a thenable job with its resolving functions, all held until the call's last
 * listener settled. With 10 plugins' async listeners and 1 000 calls in flight
 * (bench/scenarios/plugin-framework.mjs) that is what V8 copied at each scavenge.
 */
type Listener = (...args: any[]) => any

/** `list`: a copy (a listener may remove itself, or add one, while the call runs). */
export function callInTurn(list: Listener[], args: unknown[]): Promise<void> | void {
  for (let i = 0; i < list.length; i++) {
    let result: unknown
    try {
      result = list[i]!(...args)
    } catch (error) {
      return Promise.reject(error)
    }
    if (result && typeof (result as Promise<unknown>).then === 'function') return awaitInTurn(list, args, i + 1, result)
  }
}

/** The listeners from `from` on, once `pending` (the promise of the one before) has settled. */
export async function awaitInTurn(list: Listener[], args: unknown[], from: number, pending: unknown): Promise<void> {
  await pending
  for (let i = from; i < list.length; i++) {
    const result: unknown = list[i]!(...args)
    if (result && typeof (result as Promise<unknown>).then === 'function') await result
  }
}
