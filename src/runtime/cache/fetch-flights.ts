/**
 * Concurrent calls of perf.cache.fetch() (fetch.ts) for one key share one network request, within a
 * process: while a call for a key is under way, another that could take a stored copy waits for it
 * to end, then looks the cache up and finds what the first one stored (50 parallel calls of a CLI's
 * startup for one registry document make one request, not 50); a copy the first one revalidated
 * answers them as it is, `no-cache` or not (its 304 answered their request as well). A call whose
 * answer the first one did not store (no-store, an error) goes to the network itself after the wait,
 * as it would have.
 */
const flights = new WeakMap<object, Map<string, Promise<boolean>>>()

const none = (): void => {}

/**
 * `wait`: the call may take a stored copy (so another's answer serves it). Resolves when the call may
 * go on: at once when no other call for `key` is under way (this call is then the one others wait
 * for, until it calls `landed`), or when that call has ended or `signal` aborted (the waiting call's
 * own timeout still applies). `waited`: another call was under way and this one waited for it;
 * `confirmed`: that call said, landing, that the copy it left was the origin's answer to its request
 * (stored or revalidated then, or another process's: fetch-gate.ts), which answers the waiting call too.
 */
export async function joinFlight(owner: object, key: string, wait: boolean, signal: AbortSignal | null | undefined): Promise<{ landed: (confirmed: boolean) => void; waited: boolean; confirmed: boolean }> {
  let calls = flights.get(owner)
  if (!calls) flights.set(owner, calls = new Map())
  const under = calls.get(key)
  if (under) {
    const waited = wait && !signal?.aborted
    return { landed: none, waited, confirmed: waited && await untilAborted(under, signal) }
  }
  let end: (confirmed: boolean) => void = none
  const flight = new Promise<boolean>(resolve => { end = resolve })
  calls.set(key, flight)
  const landed = (confirmed: boolean): void => {
    if (calls.get(key) === flight) calls.delete(key)
    end(confirmed)
  }
  return { landed, waited: false, confirmed: false }
}

function untilAborted(flight: Promise<boolean>, signal: AbortSignal | null | undefined): Promise<boolean> {
  if (!signal) return flight
  let stop = none
  const aborted = new Promise<boolean>(resolve => { stop = () => resolve(false); signal.addEventListener('abort', stop, { once: true }) })
  return Promise.race([flight, aborted]).finally(() => signal.removeEventListener('abort', stop))
}
