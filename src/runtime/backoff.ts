/** The retry delay of pools and workers (one formula for both: workers retry with the pools' backoff). */

/** Exponential backoff with full jitter: uniform in [0, min(maxBackoff, backoff × 2^attempt)], whole ms. */
export function backoffDelay(attempt: number, backoff: number, maxBackoff: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxBackoff, backoff * 2 ** attempt))
}
