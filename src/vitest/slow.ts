/**
 * Slow tests and files, and those that got slower.
 *
 * "Got slower" uses the command history's regression rule (src/runtime/report/budgets.ts,
 * `regressionThreshold`: median + max(3 × 1.4826 × MAD, 5 % of the median) of the runs before),
 * applied to the median of the last `recent` runs rather than to one run, against at least
 * `minBaseline` (and at most 50) runs before them, and never for less than `minDeltaMs`: robust to
 * the odd slow outlier on a noisy CI machine, and silent on sub-millisecond jitter.
 */
import { regressionThreshold } from '../runtime/report/budgets.js'
import { uniqueTestNames, type TestRunEntry } from './history-lines.js'
import { median } from './shard.js'

export interface SlowItem {
  /** POSIX path relative to the vitest root. */
  file: string
  /** Test full name; absent for a file. */
  name?: string
  project?: string
  /** Median ms over the recorded runs. */
  median: number
  /** ms in the latest run that ran it. */
  last: number
  runs: number
}

export interface Slowdown extends SlowItem {
  /** Median ms of the runs before the recent ones. */
  baseline: number
  /** Median ms of the recent runs. */
  current: number
  /** current / baseline. */
  ratio: number
  /** The ms `current` had to exceed. */
  threshold: number
}

export interface FindSlowOptions {
  /** How many slowest tests and files to list. @default 10 */
  top?: number
  /** Runs that form "now". @default 3 */
  recent?: number
  /** Runs needed before them to judge a slowdown. @default 5 */
  minBaseline?: number
  /** Smallest slowdown worth reporting, ms. @default 5 */
  minDeltaMs?: number
}

export interface SlowResult {
  tests: SlowItem[]
  files: SlowItem[]
  /** Tests and files that got slower, largest ratio first. */
  slower: Slowdown[]
  /**
   * The most runs any file or test was timed in: "got slower" needs `recent + minBaseline` (8) of
   * them. Not the number of recorded runs: a CI split into shards records one run per shard job,
   * each timing a file only in the job that ran it.
   */
  mostRuns: number
}

/** Over the given runs (oldest first). Skipped tests and files skipped as a whole are left out. */
export function findSlow(entries: readonly TestRunEntry[], options: FindSlowOptions = {}): SlowResult {
  const top = options.top ?? 10
  const recent = Math.max(1, options.recent ?? 3)
  const minBaseline = Math.max(1, options.minBaseline ?? 5)
  const minDeltaMs = options.minDeltaMs ?? 5
  const tests = new Map<string, Series>()
  const files = new Map<string, Series>()
  for (const entry of [...entries].sort((a, b) => a.endedAt - b.endedAt)) {
    for (const file of entry.files) {
      if (file.state === 'skipped') continue
      const fileKey = `${file.project ?? ''}\0${file.path}`
      if (!entry.partial && !file.crashed) push(files, fileKey, { file: file.path, ...(file.project && { project: file.project }) }, file.duration)
      const names = uniqueTestNames(file.tests)
      for (const [i, [, duration, state]] of file.tests.entries()) {
        if (state === 's') continue
        const name = names[i]!
        push(tests, `${fileKey}\0${name}`, { file: file.path, name, ...(file.project && { project: file.project }) }, duration)
      }
    }
  }
  const slower: Slowdown[] = []
  let mostRuns = 0
  for (const series of [...files.values(), ...tests.values()]) {
    mostRuns = Math.max(mostRuns, series.samples.length)
    const s = judge(series.samples, recent, minBaseline, minDeltaMs)
    if (s) slower.push({ ...item(series), ...s })
  }
  return {
    tests: slowest(tests, top),
    files: slowest(files, top),
    slower: slower.sort((a, b) => b.ratio - a.ratio || b.current - b.baseline - (a.current - a.baseline) || order(a, b)),
    mostRuns,
  }
}

/**
 * The regression rule: undefined when the recent runs are not slower than the baseline.
 * `samples` oldest first.
 */
export function judge(samples: readonly number[], recent = 3, minBaseline = 5, minDeltaMs = 5):
  { baseline: number; current: number; ratio: number; threshold: number } | undefined {
  if (samples.length < recent + minBaseline) return undefined
  const before = samples.slice(0, -recent).slice(-BASELINE_WINDOW)
  const now = samples.slice(-recent)
  const rule = regressionThreshold(before)
  const baseline = rule.median
  const threshold = Math.max(rule.threshold, baseline + minDeltaMs)
  const current = median(now)
  if (current <= threshold) return undefined
  return {
    baseline: round(baseline),
    current: round(current),
    ratio: baseline > 0 ? Math.round((current / baseline) * 100) / 100 : Number.POSITIVE_INFINITY,
    threshold: round(threshold),
  }
}

// --- internal ---

/** Runs before the recent ones a slowdown is judged against, as for commands (the most recent). */
const BASELINE_WINDOW = 50

interface Series {
  id: { file: string; name?: string; project?: string }
  samples: number[]
}

function push(map: Map<string, Series>, key: string, id: Series['id'], ms: number): void {
  const series = map.get(key)
  if (series) series.samples.push(ms)
  else map.set(key, { id, samples: [ms] })
}

function item(series: Series): SlowItem {
  return { ...series.id, median: round(median(series.samples)), last: series.samples[series.samples.length - 1]!, runs: series.samples.length }
}

function slowest(map: Map<string, Series>, top: number): SlowItem[] {
  return [...map.values()].map(item).sort((a, b) => b.median - a.median || order(a, b)).slice(0, top)
}

function order(a: SlowItem, b: SlowItem): number {
  return cmp(a.file, b.file) || cmp(a.name ?? '', b.name ?? '') || cmp(a.project ?? '', b.project ?? '')
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
