/** The retry delay of pools and workers (one formula for both: workers retry with the pools' backoff). */

import { MAX_TIMER_MS } from './clock.js'

/** A pool's timeout or backoff of '30d' is clamped to the longest timer (clock.ts's MAX_TIMER_MS), not made 1 ms. */
export { MAX_TIMER_MS }

/** Exponential backoff with full jitter: uniform in [0, min(maxBackoff, backoff × 2^attempt)], whole ms (at most MAX_TIMER_MS). */
export function backoffDelay(attempt: number, backoff: number, maxBackoff: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxBackoff, backoff * 2 ** attempt, MAX_TIMER_MS))
}
