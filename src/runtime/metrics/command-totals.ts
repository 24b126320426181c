/**
 * Per-command totals for the metrics endpoint, kept as commands end: a count per status and a
 * duration histogram. A long-running process (a service timing each operation with perf.run) keeps
 * only its last COMMAND_RECORDS_KEPT raw records for the report; the metrics still count every run.
 */
import { DEFAULT_BUCKETS, newHistogramData, observeInto, type HistogramData } from './histogram-data.js'

export interface CommandTotals {
  byStatus: Map<string, number>
  durations: HistogramData
  /** Over every run, for the budgets of a process whose report keeps only the newest runs. */
  maxDuration: number
  maxMemoryPeak: number
  /** The newest successful runs' durations (ms), at most COMMAND_RECORDS_KEPT once trimmed. */
  okDurations: number[]
}

/** Raw command records kept for the report (the newest). */
export const COMMAND_RECORDS_KEPT = 1000

/**
 * Distinct command names with totals of their own (each is a `command` label value: 14 series on
 * /metrics). Past it, a new name (a name per request: `GET /users/123`) counts under
 * OVERFLOW_COMMAND, as OpenTelemetry's cardinality limit folds excess attribute sets into one
 * overflow series, so the exposition and the process stay bounded. Names with a budget always get
 * their own.
 */
export const MAX_COMMAND_NAMES = 1000
/**
 * The totals key of the runs past MAX_COMMAND_NAMES: '' is no command's name (perf.run('')
 * rejects), so no command shares them; a name like '(other)' was a command's own series too. On
 * /metrics its series have the label `overflow="true"` instead of `command` (OVERFLOW_LABELS), in
 * the report they are `commandStatsOverflow`.
 */
export const OVERFLOW_COMMAND = ''
/** The labels of the overflow series (OpenTelemetry's overflow attribute is `otel.metric.overflow=true`). */
export const OVERFLOW_LABELS: Readonly<Record<string, string>> = { overflow: 'true' }

/** The labels of a command's series on /metrics. */
export function commandLabels(name: string): Record<string, string> {
  return name === OVERFLOW_COMMAND ? { ...OVERFLOW_LABELS } : { command: name }
}

export function recordCommandTotals(totals: Map<string, CommandTotals>, name: string, status: string, durationMs: number, memoryPeak: number): void {
  let t = totals.get(name)
  if (t === undefined) totals.set(name, (t = { byStatus: new Map(), durations: newHistogramData(DEFAULT_BUCKETS), maxDuration: 0, maxMemoryPeak: 0, okDurations: [] }))
  t.byStatus.set(status, (t.byStatus.get(status) ?? 0) + 1)
  observeInto(t.durations, durationMs / 1000)
  if (durationMs > t.maxDuration) t.maxDuration = durationMs
  if (memoryPeak > t.maxMemoryPeak) t.maxMemoryPeak = memoryPeak
  if (status === 'ok') {
    t.okDurations.push(durationMs)
    // trimmed in batches, as the report's records
    if (t.okDurations.length >= 2 * COMMAND_RECORDS_KEPT) t.okDurations.splice(0, t.okDurations.length - COMMAND_RECORDS_KEPT)
  }
}
