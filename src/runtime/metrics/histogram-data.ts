/**
 * A histogram's counts as they are gathered: the command totals of every run (command-totals.ts,
 * on the start path) and the user's histograms (registry.ts). Apart from exposition.ts, which
 * renders them as Prometheus text, so the start path holds no rendering code.
 */

/** Default histogram buckets in seconds (prom-client's defaults). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Buckets for GC pauses in seconds (prom-client's `nodejs_gc_duration_seconds`). */
export const GC_BUCKETS: readonly number[] = [0.001, 0.01, 0.1, 1, 2, 5]

export interface HistogramData {
  /** Upper bounds, ascending, without +Inf. */
  buckets: readonly number[]
  /** Non-cumulative counts per bucket; one extra slot for +Inf. */
  counts: number[]
  sum: number
  count: number
}

export function newHistogramData(buckets: readonly number[]): HistogramData {
  return { buckets, counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }
}

export function observeInto(data: HistogramData, value: number): void {
  const { buckets, counts } = data
  let i = 0
  while (i < buckets.length && value > buckets[i]!) i++
  counts[i]!++
  data.sum += value
  data.count++
}
