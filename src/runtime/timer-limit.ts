/**
 * setTimeout and setInterval keep a delay of at most 2³¹ − 1 ms (24.8 days): a longer one fires after
 * 1 ms, with a TimeoutOverflowWarning. A duration from the config ('30d', '1000d': "as good as never")
 * becomes a timer through timerDelay(), which waits as long as a timer can instead.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** `ms` as a timer's delay: at most MAX_TIMER_MS. */
export const timerDelay = (ms: number): number => Math.min(ms, MAX_TIMER_MS)
