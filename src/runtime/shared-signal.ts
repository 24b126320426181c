/**
 * One listener on an outside AbortSignal for all the calls that share it (perf.workers.run() calls,
 * graphs): each gets a signal of its own that aborts with it. Node warns past 10 listeners on one
 * signal (MaxListenersExceededWarning), and one Ctrl-C controller cancelling a batch is common.
 */

/** The calls of each outside signal not settled yet, and its one listener. */
const linked = new WeakMap<AbortSignal, { calls: Set<AbortController>; listener: () => void }>()

/**
 * A signal of the call's own that aborts with `outside`: the calls sharing one outside signal cost
 * it one 'abort' listener, removed when the last of them unlinks (tinypool adds a listener per task
 * to the signal it gets, a graph one per graph).
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
