/**
 * Every metric a monitor sample holds (its dot path) and its kind: the unit of its raw value, what
 * an alert threshold on it takes, how it is shown. The one place a metric's unit is decided: config
 * (src/config/resolve-alerts.ts), `monitor:alert` payloads (`kind`), `unperf monitor`'s table and
 * JSON lines, the exit report, the Prometheus gauges fed from samples (metrics/own.ts: their name
 * suffix follows the kind), the JSON Schema (scripts/schema-source.mjs reads this file) and the
 * table in docs/monitors.md (test/monitors/metric-kinds.test.ts checks each against it).
 *
 * Loaded lazily (resolving `monitors.alerts`, starting monitors): never on the start script.
 * No runtime imports: scripts/schema-source.mjs loads this file alone.
 */

/**
 * - `size`: bytes; a threshold takes `'500MB'` or a number of bytes.
 * - `duration`: ms; `'100ms'`, `'2s'` or a number of ms.
 * - `rate`: bytes per second; `'10MB/s'` (or `'10MB'`, read as per second) or a number of bytes per second.
 * - `percent`: percent, 0–100 (`cpu.percent` passes 100 with worker threads); `90` or `'90%'`.
 * - `ratio`: a fraction, 0–1; `0.9` or `'90%'`.
 * - `number`: a plain number without unit (a count, a load average).
 */
export type MetricKind = 'size' | 'duration' | 'rate' | 'percent' | 'ratio' | 'number'

export const METRIC_KINDS = {
  'eventLoop.p50': 'duration',
  'eventLoop.p99': 'duration',
  'eventLoop.max': 'duration',
  'eventLoop.mean': 'duration',
  'eventLoop.utilization': 'ratio',
  'memory.rss': 'size',
  'memory.heapUsed': 'size',
  'memory.heapTotal': 'size',
  'memory.external': 'size',
  'memory.arrayBuffers': 'size',
  'cpu.percent': 'percent',
  // ms of CPU time spent since the previous sample (process.cpuUsage deltas)
  'cpu.user': 'duration',
  'cpu.system': 'duration',
  'gc.count': 'number',
  'gc.pause': 'duration',
  'handles.active': 'number',
  'system.load.percent': 'percent',
  'system.load.avg': 'number',
  'system.memory.total': 'size',
  'system.memory.used': 'size',
  'system.memory.available': 'size',
  'system.memory.usedPercent': 'percent',
  'system.disk.used': 'size',
  'system.disk.size': 'size',
  'system.disk.usedPercent': 'percent',
  'system.network.rxSec': 'rate',
  'system.network.txSec': 'rate',
} as const satisfies Record<string, MetricKind>

/** A metric path an alert can watch: `'memory.rss'`, `'eventLoop.p99'`, `'cpu.percent'`, … */
export type MonitorMetric = keyof typeof METRIC_KINDS

/** Numbers in a sample that are not metrics: when the sample (or the host refresh) was taken, ms since epoch. */
export const SAMPLE_TIMESTAMPS: readonly string[] = ['time', 'system.time']

/** The unit of a kind's raw value, as the docs and messages name it. */
export const RAW_UNITS: Record<MetricKind, string> = {
  size: 'bytes', duration: 'ms', rate: 'bytes per second', percent: 'percent (0–100)', ratio: 'fraction (0–1)', number: 'none',
}

/** What a threshold of each kind must be (config errors, the JSON Schema's descriptions). */
export const THRESHOLD_EXPECTED: Record<MetricKind, string> = {
  size: "a size like '500MB' or a number of bytes",
  duration: "a duration like '100ms' or a number of ms",
  rate: "a rate like '10MB/s' or a number of bytes per second",
  percent: "a percentage like '90%' or a number of percent (90)",
  ratio: "a fraction from 0 to 1 (0.9) or a percentage like '90%'",
  number: 'a number',
}

export function metricKind(metric: string): MetricKind | undefined {
  return Object.hasOwn(METRIC_KINDS, metric) ? METRIC_KINDS[metric as MonitorMetric] : undefined
}
