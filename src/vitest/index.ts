/**
 * `unperf/vitest`: a vitest reporter that records per-file and per-test durations, retries and
 * results into `tests.jsonl` beside unperf's run history (`report.dir`), for `unperf shard`,
 * `unperf tests flaky` and `unperf tests slow`.
 *
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { reporters: ['default', 'unperf/vitest'] } })
 * ```
 */
import { UnperfReporter } from './reporter.js'

export { UnperfReporter, type UnperfReporterOptions } from './reporter.js'
export type { ReadHistoryResult, SkippedLine, TestFileRecord, TestProjectPatterns, TestRunEntry, TestSample } from './history.js'
export { mergeTestHistory, readTestHistory, testsHistoryPath } from './history.js'
export type { MergeOptions, MergeResult, UnreadableSource } from './history-merge.js'

export default UnperfReporter
