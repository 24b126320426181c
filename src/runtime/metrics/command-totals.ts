/**
 * Per-command totals for the metrics endpoint, kept as commands end: a count per status and a
 * duration histogram. A long-running process (a service timing each operation with perf.run) keeps
 * only its last COMMAND_RECORDS_KEPT raw records for the report; the metrics still count every run.
 */
import { DEFAULT_BUCKETS, newHistogramData, observeInto, type HistogramData } from './exposition.js'

export interface CommandTotals {
  byStatus: Map<string, number>
  durations: HistogramData
}

/** Raw command records kept for the report (the newest). */
export const COMMAND_RECORDS_KEPT = 1000

export function recordCommandTotals(totals: Map<string, CommandTotals>, name: string, status: string, durationMs: number): void {
  let t = totals.get(name)
  if (t === undefined) totals.set(name, (t = { byStatus: new Map(), durations: newHistogramData(DEFAULT_BUCKETS) }))
  t.byStatus.set(status, (t.byStatus.get(status) ?? 0) + 1)
  observeInto(t.durations, durationMs / 1000)
}
