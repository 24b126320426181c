/**
 * The start path's clock: ms since process start, like `performance.now()`, without loading
 * perf_hooks (the first touch of the `performance` global compiles ten internal modules: ~2.5 ms
 * of a CLI's startup). `process.hrtime()` costs ~50 ns a call; its origin is aligned once with
 * `process.uptime()` (both count from node's own start).
 */
const hr = process.hrtime

const origin = (() => {
  const t = hr()
  return t[0] * 1e3 + t[1] / 1e6 - process.uptime() * 1e3
})()

/** ms since the process started. */
export function now(): number {
  const t = hr()
  return t[0] * 1e3 + t[1] / 1e6 - origin
}

let offset: number | undefined

/** How far `Date.now()` may move from the runtime clock before the offset is measured again (ms). */
const STEP_MS = 2

/**
 * ms since process start ({@link now}'s clock) → ms since the Unix epoch, for timestamps that leave
 * the process (OpenTelemetry spans, file times), without `performance.timeOrigin` (perf_hooks).
 * `Date.now()` counts whole ms, so half a ms is added to centre its truncation (error within
 * ±0.5 ms of the wall clock). The offset is kept while the wall clock runs with the runtime clock
 * (sub-ms precision and order of `ms` kept) and measured again once they are more than 2 ms apart:
 * the wall clock was stepped (NTP setting a VM's clock back by hours) or slewed, and times that
 * leave the process follow it, as file mtimes written from then on do.
 */
export function epochMs(ms: number): number {
  return ms + epochOffset(now())
}

/** The wall clock now, with sub-ms precision: {@link epochMs} of {@link now}, reading the runtime clock once. */
export function epochNow(): number {
  const at = now()
  return at + epochOffset(at)
}

/** `Date.now()` minus the runtime clock at `at` (now), kept while the two run together. */
function epochOffset(at: number): number {
  const measured = Date.now() + 0.5 - at
  if (offset === undefined || Math.abs(measured - offset) > STEP_MS) offset = measured
  return offset
}

/**
 * Timers. setTimeout and setInterval keep a delay of at most 2³¹ − 1 ms (24.8 days): a longer one fires after
 * 1 ms, with a TimeoutOverflowWarning. A duration from the config ('30d', '1000d': "as good as never")
 * becomes a timer through timerDelay(), which waits as long as a timer can instead.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** `ms` as a timer's delay: at most MAX_TIMER_MS. */
export const timerDelay = (ms: number): number => Math.min(ms, MAX_TIMER_MS)
