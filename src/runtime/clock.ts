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

let epochOffset: number | undefined

/**
 * ms since process start ({@link now}'s clock) → ms since the Unix epoch, for timestamps that leave
 * the process (OpenTelemetry spans, file times), without `performance.timeOrigin` (perf_hooks).
 * The offset to `Date.now()` is measured once, at the first call: `Date.now()` counts whole ms,
 * so half a ms is added to centre its truncation (error within ±0.5 ms of the wall clock at that
 * moment, plus the wall clock's own steps since). Sub-ms precision of `ms` is kept.
 */
export function epochMs(ms: number): number {
  epochOffset ??= Date.now() + 0.5 - now()
  return ms + epochOffset
}
