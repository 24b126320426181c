/**
 * Budgets: startup, peak memory, cache hit rate, per-command duration / p95 over history / memory,
 * file sizes after compression (like size-limit), and regressions against the command's history.
 *
 * Regression rule (robust to a noisy machine): with at least 5 prior runs of a command, this run
 * regresses when its duration exceeds median + max(3 × MAD × 1.4826, 5 % of the median, 1 ms).
 */
import { checkFileBudgets } from './file-budgets.js'
import { regressionResult } from './regression-result.js'
import { okDurationsBefore } from './history-durations.js'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { formatBytes, formatDuration } from '../../config/units.js'
import { keyPath } from '../../config/key-path.js'
import type { BudgetResult, PerfReport } from '../types.js'
import type { HistoryEntry } from './history.js'
import type { PriorDurations } from './history-summary.js'
import { lookupsOf } from '../cache/hit-rate.js'

/** Which process a run was: when it ended, and its pid (a report, or a history line's `time` and `pid`). */
export type RunEnd = Pick<PerfReport, 'endedAt' | 'pid'>

export const MIN_HISTORY_FOR_REGRESSION = 5
/** Prior runs a regression is judged against (the most recent ones). */
export const REGRESSION_WINDOW = 50

// The exit path runs these once, in code that never warms up: no closures, iterators or spreads
// per run, and numbers sorted in a Float64Array (its default order is numeric, with no comparator
// called per pair). Written with flatMap, filter and a sort comparator, judging a run against 51
// runs allocated ≈ 40 kB of young generation, a tenth of what a warm start may allocate before it
// pays a scavenge (test/package/warm-young-generation.test.ts).

/**
 * The successful durations of `command` in the runs before this one, oldest first: from the runs
 * (`unperf budget`, a history merged with a shared one, the history's tail) or as the exit path's
 * read of history-summary.bin gave them (history-summary.ts priorDurations: the same numbers). From
 * the runs: history-durations.ts, a deferred module (the exit judges by the summary).
 */
function priorOkDurations(report: RunEnd, history: HistoryEntry[] | PriorDurations, command: string): number[] {
  return Array.isArray(history) ? okDurationsBefore(report, history, command) : history.get(command) ?? []
}

/** `xs` sorted ascending (numbers: a Float64Array's own order). */
function sorted(xs: ArrayLike<number>): Float64Array {
  const s = new Float64Array(xs.length)
  for (let i = 0; i < xs.length; i++) s[i] = xs[i]!
  return s.sort()
}

function medianOfSorted(s: Float64Array): number {
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export function median(xs: number[]): number {
  return medianOfSorted(sorted(xs))
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const s = sorted(xs)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

/**
 * median + max(3 σ, 5 %, 1 ms). The 1 ms is the least slowdown that is a regression whatever the
 * history's spread: 5 % of a command taking 0.3 ms is 15 µs, and a command doing nothing, one run a
 * process, moved by up to 0.9 ms from one process to the next: without it 11–25 % of such processes
 * were regressions (bench/regression-floor.mjs, bench/results/regression-floor.md). A literal: this
 * runs at every exit, and a named constant cost the start script 45 bytes.
 */
export function regressionThreshold(prior: number[]): { median: number; threshold: number } {
  const m = median(prior)
  const deviations = new Float64Array(prior.length)
  for (let i = 0; i < prior.length; i++) deviations[i] = Math.abs(prior[i]! - m)
  const mad = medianOfSorted(deviations.sort()) * 1.4826
  return { median: m, threshold: m + Math.max(3 * mad, 0.05 * m, 1) }
}

/** `of` follows the measured figure in the message: what it is of (` (p95 of 7 runs)`). */
export function judge(budget: string, kind: BudgetResult['kind'], unit: BudgetResult['unit'], actual: number, limit: number, extra: Partial<BudgetResult> = {}, of = ''): BudgetResult {
  const fmt = unit === 'ms' ? formatDuration : unit === 'bytes' ? formatBytes : (n: number) => `${(n * 100).toFixed(1)} %`
  const lower = kind === 'cacheHitRate'
  const failed = lower ? actual < limit : actual > limit
  const over = lower ? limit - actual : actual - limit
  return {
    budget, kind, status: failed ? 'fail' : 'pass', actual, limit, unit,
    ...(failed && { over, overRatio: limit === 0 ? Number.POSITIVE_INFINITY : over / limit }),
    message: failed
      ? `${budget}: ${fmt(actual)}${of} ${lower ? 'is under' : 'is over'} the budget of ${fmt(limit)} (${lower ? '-' : '+'}${fmt(over)})`
      : `${budget}: ${fmt(actual)}${of} within ${fmt(limit)}`,
    ...extra,
  }
}

/**
 * What judging this run takes from the history (so the exit path parses no more of it):
 * 'all' when a command that ran has a p95 budget (its series is the whole history); else, for each
 * command that succeeded, its newest `runs` successful runs (the regression window, plus one:
 * runsBefore may drop a line of this very run); nothing when regressions are off.
 */
export function historyNeeded(report: PerfReport, config: ResolvedPerfConfig): 'all' | { commands: string[]; runs: number } {
  const b = config.budgets
  if (report.commands.some(c => b.commands[c.name]?.p95 !== undefined)) return 'all'
  if (!b.regressions) return { commands: [], runs: 0 }
  return { commands: [...new Set(report.commands.filter(c => c.status === 'ok').map(c => c.name))], runs: REGRESSION_WINDOW + 1 }
}

/** `atExit`: the run's own judgement (file budgets are left to `unperf budget` when the run worked on another project than the config's: file-budgets.ts). */
export function evaluateBudgets(report: PerfReport, config: ResolvedPerfConfig, history: HistoryEntry[] | PriorDurations, atExit?: boolean): BudgetResult[] {
  const b = config.budgets
  const out: BudgetResult[] = []
  if (b.startup !== undefined) {
    out.push(report.commands.length === 0
      ? { budget: 'budgets.startup', kind: 'startup', status: 'skip', unit: 'ms', limit: b.startup, message: 'budgets.startup: no command ran' }
      : judge('budgets.startup', 'startup', 'ms', report.startup.total, b.startup))
  }
  if (b.memory !== undefined) out.push(judge('budgets.memory', 'memory', 'bytes', report.memory.peakRss, b.memory))
  if (b.cacheHitRate !== undefined) {
    const lookups = lookupsOf(report.cache)
    // a run with the cache off (--no-cache, UNPERF_CACHE=0) misses every lookup by request: no breach
    // (in 'error' mode it made `cli --no-cache` exit 1)
    const skip = report.cache.enabled === false ? 'the cache was off for this run (--no-cache, UNPERF_CACHE=0 or cache.enabled: false)'
      : lookups === 0 ? 'no cache lookups' : undefined
    out.push(skip
      ? { budget: 'budgets.cacheHitRate', kind: 'cacheHitRate', status: 'skip', unit: 'ratio', limit: b.cacheHitRate, message: `budgets.cacheHitRate: ${skip}, not judged` }
      : judge('budgets.cacheHitRate', 'cacheHitRate', 'ratio', report.cache.hitRate, b.cacheHitRate))
  }
  for (const [name, limits] of Object.entries(b.commands)) {
    // the key path as config errors write it: `budgets.commands['cache clear']`, one key, never two
    const path = keyPath('budgets.commands', name)
    // every run of the command in this process: its records, or (a service that ran more than the
    // report keeps) the totals over all of them
    const stats = report.commandStats !== undefined && Object.hasOwn(report.commandStats, name) ? report.commandStats[name]! : undefined
    const runs = stats ? [] : report.commands.filter(c => c.name === name)
    if (stats ? stats.runs === 0 : runs.length === 0) continue
    const duration = stats ? stats.maxDuration : Math.max(...runs.map(r => r.duration))
    const memoryPeak = stats ? stats.maxMemoryPeak : Math.max(...runs.map(r => r.memoryPeak))
    if (limits.duration !== undefined) out.push(judge(`${path}.duration`, 'duration', 'ms', duration, limits.duration, { command: name }))
    if (limits.memory !== undefined) out.push(judge(`${path}.memory`, 'commandMemory', 'bytes', memoryPeak, limits.memory, { command: name }))
    if (limits.p95 !== undefined) {
      const own = stats ? stats.okDurations : runs.filter(r => r.status === 'ok').map(r => r.duration)
      const series = priorOkDurations(report, history, name).concat(own)
      if (series.length === 0) {
        out.push({ budget: `${path}.p95`, kind: 'p95', status: 'skip', unit: 'ms', limit: limits.p95, command: name, message: `${path}.p95: no successful run recorded` })
        continue
      }
      // how many runs it is over: under 20 the nearest-rank p95 is the slowest of them (a fresh CI
      // runner's first run judged alone), which "311 ms is over" after a 21 ms run did not say
      const n = series.length
      out.push(judge(`${path}.p95`, 'p95', 'ms', percentile(series, 95), limits.p95, { command: name, runs: n }, ` (p95 of ${n} run${n === 1 ? '' : 's'})`))
    }
  }
  if (b.regressions) out.push(...detectRegressions(report, history))
  // file sizes: a deferred module (file-budgets.ts), loaded only with budgets.files (it loads tinyglobby then too)
  if (config.budgets.files.length > 0) out.push(...checkFileBudgets(config, atExit))
  return out
}

/** What the regression rule made of one command's runs in one process. */
export interface RegressionJudgement {
  /** The median of the process's successful runs of the command (a CLI's: its one run), ms. */
  duration: number
  /** The median of the successful runs before the process, and the regression threshold over it, ms. */
  median: number
  threshold: number
  /** How many runs before the process it was judged against (the newest, at most REGRESSION_WINDOW). */
  prior: number
}

/**
 * `durations`, the successful runs of `command` in the process `run`, against the successful runs of
 * it that ended before that process: undefined with fewer than MIN_HISTORY_FOR_REGRESSION of them.
 * The run's own verdict (detectRegressions) and `unperf report`'s, which re-judges the newest process.
 */
export function judgeRegression(run: RunEnd, history: HistoryEntry[] | PriorDurations, command: string, durations: number[]): RegressionJudgement | undefined {
  const prior = priorOkDurations(run, history, command).slice(-REGRESSION_WINDOW)
  if (prior.length < MIN_HISTORY_FOR_REGRESSION) return undefined
  const { median: m, threshold } = regressionThreshold(prior)
  return { duration: median(durations), median: m, threshold, prior: prior.length }
}

export function detectRegressions(report: PerfReport, history: HistoryEntry[] | PriorDurations): BudgetResult[] {
  const out: BudgetResult[] = []
  // a command run several times in this process (a watch mode's rebuilds, a service's requests) is
  // judged by the median of its successful runs: its first run is a cold one, and against the runs of
  // earlier processes, mostly warm, it alone was a regression at every start
  const runs = new Map<string, number[]>()
  for (const run of report.commands) if (run.status === 'ok') (runs.get(run.name) ?? runs.set(run.name, []).get(run.name)!).push(run.duration)
  for (const [name, durations] of runs) {
    const judged = judgeRegression(report, history, name, durations)
    // the result and its message: a deferred module, loaded only on a regression
    if (judged && judged.duration > judged.threshold) out.push(regressionResult(name, judged, durations.length))
  }
  return out
}
