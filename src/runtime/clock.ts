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
 * When unperf's code began to run, ms since process start: the built entry stamps `import.meta`
 * before it reads and compiles the start path; from source, this module's evaluation.
 * Everything before it is node's bootstrap plus resolving and compiling the entry's static imports
 * (ES modules are all linked before the first one runs). Telling those two apart takes
 * `performance.nodeTiming`, whose perf_hooks cost ~1.5 ms at every exit: `unperf profile` does it.
 */
export const loadStart: number = (import.meta as ImportMeta & { unperfLoadStart?: number }).unperfLoadStart ?? now()
