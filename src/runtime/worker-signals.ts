/**
 * What perf.workers.run() waits on besides its thread: a slot of one (under a timeout, so that the
 * timer starts with a thread free) and the caller's signal, which many calls may share.
 */

/**
 * One slot per thread, taken in call order (a Set iterates in insertion order; an aborted waiter
 * leaves it in O(1)): a call under a timeout starts its timer once it holds one, with a thread free.
 */
export function threadSlots(max: number) {
  let free = max
  const waiting = new Set<() => void>()
  return {
    acquire(signal: AbortSignal | undefined): Promise<void> | undefined {
      if (waiting.size === 0 && free > 0) {
        free--
        return undefined
      }
      if (signal?.aborted) return Promise.reject(signal.reason)
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          waiting.delete(take)
          reject(signal!.reason)
        }
        const take = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        waiting.add(take)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    /** The slot passes to the first waiter, else is free again. */
    release(): void {
      const next = waiting.values().next()
      if (next.done) free++
      else {
        waiting.delete(next.value)
        next.value()
      }
    },
  }
}

/** The calls of each outside signal not settled yet, and its one listener. */
const linked = new WeakMap<AbortSignal, { calls: Set<AbortController>; listener: () => void }>()

/**
 * A signal of the call's own that aborts with `outside`: the calls sharing one outside signal cost
 * it one 'abort' listener, removed when the last of them unlinks (tinypool adds a listener per task
 * to the signal it gets; past 10 on one signal node printed a MaxListenersExceededWarning).
 */
export function linkSignal(outside: AbortSignal): { signal: AbortSignal; unlink(): void } {
  let entry = linked.get(outside)
  if (entry === undefined) {
    const calls = new Set<AbortController>()
    const listener = () => {
      linked.delete(outside)
      for (const call of calls) call.abort(outside.reason)
    }
    entry = { calls, listener }
    linked.set(outside, entry)
    outside.addEventListener('abort', listener, { once: true })
  }
  const { calls, listener } = entry
  const call = new AbortController()
  calls.add(call)
  return {
    signal: call.signal,
    unlink() {
      calls.delete(call)
      if (calls.size === 0 && linked.get(outside)?.calls === calls) {
        linked.delete(outside)
        outside.removeEventListener('abort', listener)
      }
    },
  }
}
