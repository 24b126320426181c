/** The retry delay of pools and workers (one formula for both: workers retry with the pools' backoff). */

/**
 * The longest delay setTimeout keeps (2³¹ − 1 ms, 24.8 days): a longer one fires after 1 ms, with a
 * TimeoutOverflowWarning. A pool's timeout or backoff of '30d' is clamped to it, not made 1 ms.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** Exponential backoff with full jitter: uniform in [0, min(maxBackoff, backoff × 2^attempt)], whole ms (at most MAX_TIMER_MS). */
export function backoffDelay(attempt: number, backoff: number, maxBackoff: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxBackoff, backoff * 2 ** attempt, MAX_TIMER_MS))
}
