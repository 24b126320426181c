/**
 * Concurrent calls of perf.cache.fetch() (fetch.ts) for one key share one network request, within a
 * process: while a call for a key is under way, another that could take a stored copy waits for it
 * to end, then looks the cache up and finds what the first one stored (50 parallel calls of a CLI's
 * startup for one registry document make one request, not 50). A call whose answer the first one did
 * not store (no-store, an error) goes to the network itself after the wait, as it would have.
 */
const flights = new WeakMap<object, Map<string, Promise<void>>>()

const none = (): void => {}

/**
 * `wait`: the call may take a stored copy (so another's answer serves it). Resolves when the call may
 * go on: at once when no other call for `key` is under way (this call is then the one others wait
 * for, until it calls the function returned), or when that call has ended or `signal` aborted (the
 * waiting call's own timeout still applies).
 */
export async function joinFlight(owner: object, key: string, wait: boolean, signal: AbortSignal | null | undefined): Promise<() => void> {
  let calls = flights.get(owner)
  if (!calls) flights.set(owner, calls = new Map())
  const under = calls.get(key)
  if (under) {
    if (wait && !signal?.aborted) await untilAborted(under, signal)
    return none
  }
  let end = none
  const flight = new Promise<void>(resolve => { end = resolve })
  calls.set(key, flight)
  return () => {
    if (calls.get(key) === flight) calls.delete(key)
    end()
  }
}

function untilAborted(flight: Promise<void>, signal: AbortSignal | null | undefined): Promise<void> {
  if (!signal) return flight
  let stop = none
  const aborted = new Promise<void>(resolve => { stop = resolve; signal.addEventListener('abort', stop, { once: true }) })
  return Promise.race([flight, aborted]).finally(() => signal.removeEventListener('abort', stop))
}
