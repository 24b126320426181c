/**
 * Which failures a retry can help, as p-retry decides: not an `AbortError` (the task or its caller
 * gave up: trying again undoes that), and not a `TypeError` other than a network one (a bug: the
 * same input fails the same way, three times slower). `fetch()` reports a network failure as a
 * `TypeError` too ("fetch failed" in Node): those are retried. unperf's own timeouts (`TimeoutError`)
 * and every other error are retried.
 */

/** The messages runtimes give a network failure of fetch() (the list of sindresorhus/is-network-error). */
const NETWORK_MESSAGES = new Set([
  'network error', // Chrome
  'Failed to fetch', // Chrome
  'NetworkError when attempting to fetch resource.', // Firefox
  'The Internet connection appears to be offline.', // Safari 16
  'Load failed', // Safari 17+
  'Network request failed', // cross-fetch
  'fetch failed', // undici (Node.js)
  'terminated', // undici (Node.js)
])

export function isRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return true
  if (error.name === 'AbortError') return false
  if (error instanceof TypeError) return NETWORK_MESSAGES.has(error.message)
  return true
}
