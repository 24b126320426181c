/**
 * The failed result of the regression rule (budgets.ts detectRegressions), with its message. Built
 * only when a command regressed: a deferred module (scripts/build.mjs DEFERRED), kept out of the
 * start script a warm start reads.
 */
import { formatDuration } from '../../config/units.js'
import type { BudgetResult } from '../types.js'
import type { RegressionJudgement } from './budgets.js'

/** `name` regressed by `judged`, over `runs` successful runs of it in the process (the median of them when more than one). */
export function regressionResult(name: string, judged: RegressionJudgement, runs: number): BudgetResult {
  const { duration, median, threshold } = judged
  return {
    budget: `regression.${name}`, kind: 'regression', status: 'fail', actual: duration, limit: threshold, unit: 'ms',
    over: duration - threshold, overRatio: (duration - threshold) / threshold, command: name,
    baseline: median, baselineRuns: judged.prior, runs,
    message: `'${name}' took ${formatDuration(duration)}${runs > 1 ? ` (median of its ${runs} runs)` : ''}, ${(((duration - median) / median) * 100).toFixed(0)} % slower than its median of ${formatDuration(median)} over ${judged.prior} runs (threshold ${formatDuration(threshold)})`,
  }
}
