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

/**
 * `performance.nodeTiming.bootstrapComplete` on this clock (perf_hooks loaded here, at report time,
 * not at startup). The two clocks' origins differ by a little: measured back to back and applied.
 */
export function bootstrapComplete(): number {
  const { performance } = process.getBuiltinModule('node:perf_hooks') as typeof import('node:perf_hooks')
  const offset = now() - performance.now()
  return performance.nodeTiming.bootstrapComplete + offset
}
