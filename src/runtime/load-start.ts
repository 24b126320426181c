/**
 * Apart from clock.ts: `import.meta` must be the entry's, so this module stays in the entry bundle,
 * while clock.ts is also imported by lazily loaded code (otel.ts) and may become a shared chunk.
 */
import { now } from './clock.js'

/**
 * When unperf's code began to run, ms since process start: the built entry stamps `import.meta`
 * before it reads and compiles the start path; from source, this module's evaluation.
 * Everything before it is node's bootstrap plus resolving and compiling the entry's static imports
 * (ES modules are all linked before the first one runs). Telling those two apart takes
 * `performance.nodeTiming`, whose perf_hooks cost ~1.5 ms at every exit: `unperf profile` does it.
 */
export const loadStart: number = (import.meta as ImportMeta & { unperfLoadStart?: number }).unperfLoadStart ?? now()
