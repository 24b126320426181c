/**
 * unperf's own metrics, collected from the sources at expose time (pull model: nothing runs between
 * scrapes), and the names they take (a user metric may not take one).
 */
import type { MetricsSources } from '../_internal.js'
import { readPath } from '../monitors/alerts.js'
import { METRIC_KINDS, type MetricKind, type MonitorMetric } from '../monitors/metric-kinds.js'
import type { MetricFamily } from './exposition.js'
import { commandLabels } from './command-totals.js'

/** process_start_time_seconds (no perf_hooks at import: this module is on the start path). */
let startTime: number | undefined
const startTimeSeconds = () => (startTime ??= Math.round(Date.now() - process.uptime() * 1000) / 1000)

function gauge(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'gauge', values: [{ labels: {}, value }] }
}
function counter(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'counter', values: [{ labels: {}, value }] }
}

/**
 * The gauges read from the last sample: name (`_…`: after the prefix), help, the metric's path.
 * Each in Prometheus' base unit for its metric's kind (monitors/metric-kinds.ts): durations in
 * seconds, percents as a ratio 0–1 (prometheus.io/docs/practices/naming: `_ratio`, never 0–100), the
 * rest as sampled; the name ends in that unit (_seconds, _bytes, _bytes_per_second, _ratio:
 * test/monitors/metric-kinds.test.ts). `monitors.system`'s are `<prefix>_system_*` (its last refresh).
 */
export const SAMPLE_GAUGES: ReadonlyArray<readonly [name: string, help: string, metric: MonitorMetric]> = [
  ['nodejs_eventloop_lag_seconds', 'Mean event loop delay over the last monitor interval in seconds.', 'eventLoop.mean'],
  ['nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the event loop delay over the last monitor interval in seconds.', 'eventLoop.p50'],
  ['nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the event loop delay over the last monitor interval in seconds.', 'eventLoop.p99'],
  ['nodejs_eventloop_lag_max_seconds', 'The maximum event loop delay over the last monitor interval in seconds.', 'eventLoop.max'],
  ['nodejs_eventloop_utilization_ratio', 'Event loop utilization (0-1) over the last monitor interval.', 'eventLoop.utilization'],
  ['_process_cpu_ratio', 'Process CPU usage over the last monitor interval as a ratio of one core (1 = one core busy; above 1 with worker threads).', 'cpu.percent'],
  ['_system_cpu_load_ratio', 'Host CPU load over the last refresh as a ratio of all cores (0-1, 1 = every core busy).', 'system.load.percent'],
  ['_system_load_average_per_core', 'Host load average (the highest of the 1, 5 and 15 minute averages) per core.', 'system.load.avg'],
  ['_system_memory_total_bytes', 'Host memory in bytes.', 'system.memory.total'],
  ['_system_memory_used_bytes', 'Host memory in use (active) in bytes.', 'system.memory.used'],
  ['_system_memory_available_bytes', 'Host memory available to new work in bytes.', 'system.memory.available'],
  ['_system_memory_used_ratio', 'Host memory in use (active) as a ratio of the total (0-1).', 'system.memory.usedPercent'],
  ['_system_disk_size_bytes', 'Size of the host\'s mounted filesystems in bytes (summed).', 'system.disk.size'],
  ['_system_disk_used_bytes', 'Space used on the host\'s mounted filesystems in bytes (summed).', 'system.disk.used'],
  ['_system_disk_used_ratio', 'Space used on the host\'s mounted filesystems as a ratio of their size (0-1).', 'system.disk.usedPercent'],
  ['_system_network_receive_bytes_per_second', 'Bytes received per second over the host\'s interfaces at the last refresh.', 'system.network.rxSec'],
  ['_system_network_transmit_bytes_per_second', 'Bytes sent per second over the host\'s interfaces at the last refresh.', 'system.network.txSec'],
]

/** A kind's raw value → Prometheus' base unit: ms → seconds, percent → ratio. */
const BASE_UNIT_DIVISOR: Partial<Record<MetricKind, number>> = { duration: 1000, percent: 100 }

/** `value / divisor` without the division's float noise (1.3 % → 0.013, not 0.013000000000000001). */
const inBaseUnit = (value: number, divisor: number | undefined) => (divisor === undefined ? value : Number((value / divisor).toPrecision(12)))

/** The families collectOwn() may expose: unprefixed (prom-client's names), then after the prefix. */
const OWN_PLAIN = [
  'process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes',
  'process_start_time_seconds', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes',
  'nodejs_active_handles_total', 'nodejs_version_info', ...SAMPLE_GAUGES.flatMap(([name]) => (name.startsWith('_') ? [] : [name])),
]
const OWN_PREFIXED = [
  'commands_total', 'cache_hits_total', 'cache_misses_total', 'cache_stale_total', 'cache_evictions_total',
  'cache_errors_total', 'pool_queued_tasks', 'pool_active_tasks', 'pool_concurrency_tasks', 'pool_tasks_total', 'budget_breaches_total',
  ...SAMPLE_GAUGES.flatMap(([name]) => (name.startsWith('_') ? [name.slice(1)] : [])),
]
/** Own histograms: their families and the series names they expose. */
const OWN_HISTOGRAMS = (prefix: string) => [`${prefix}_command_duration_seconds`, 'nodejs_gc_duration_seconds']
  .flatMap(h => [h, `${h}_bucket`, `${h}_sum`, `${h}_count`])


/** A name that is, or whose series would be named like, one of unperf's own metrics. */
export function isOwnName(name: string, prefix: string): boolean {
  const own = OWN_HISTOGRAMS(prefix)
  return OWN_PLAIN.includes(name) || OWN_PREFIXED.some(n => name === `${prefix}_${n}`) || own.includes(name)
    || ['_bucket', '_sum', '_count'].some(suffix => own.includes(name + suffix) || OWN_PLAIN.includes(name + suffix) || OWN_PREFIXED.some(n => name + suffix === `${prefix}_${n}`))
}

/** A source that throws (e.g. a closed cache) drops its metrics, never the scrape. */
function safe<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

/**
 * `runtime: false` leaves out the unprefixed `process_*` and `nodejs_*` families (the textfile: node_exporter
 * exports its own `process_*`, and two Node CLIs writing into one textfile dir would both write the
 * `nodejs_*` ones; a duplicate series fails the collector's whole scrape), keeping `<prefix>_*`.
 */
export function* collectOwn(prefix: string, sources: MetricsSources, { runtime = true }: { runtime?: boolean } = {}): Generator<MetricFamily> {
  if (runtime) yield* collectRuntime()

  // from the last sample: the event loop (needs `eventLoop`), cpu.percent, and with `monitors.system`,
  // once its first refresh is done (≈ 500 ms after start), the host
  const sample = safe(() => sources.lastSample())
  if (sample) {
    for (const [name, help, metric] of SAMPLE_GAUGES) {
      const prefixed = name.startsWith('_')
      if (!prefixed && !runtime) continue
      const value = readPath(sample, metric.split('.'))
      if (value !== undefined) yield gauge(prefixed ? prefix + name : name, help, inBaseUnit(value, BASE_UNIT_DIVISOR[METRIC_KINDS[metric]]))
    }
  }
  yield* collectUnperf(prefix, sources)
}

/** prom-client compatible process and nodejs metrics, read live (a few µs). */
function* collectRuntime(): Generator<MetricFamily> {
  const cpu = process.cpuUsage()
  const mem = process.memoryUsage()
  yield counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', cpu.user / 1e6)
  yield counter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', cpu.system / 1e6)
  yield counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6)
  yield gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss)
  yield gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', startTimeSeconds())
  yield gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal)
  yield gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed)
  yield gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', mem.external)
  yield gauge('nodejs_active_handles_total', 'Number of active libuv handles and requests (process.getActiveResourcesInfo).', process.getActiveResourcesInfo().length)
  const [major = '', minor = '', patch = ''] = process.version.slice(1).split('.')
  yield { name: 'nodejs_version_info', help: 'Node.js version info.', type: 'gauge', values: [{ labels: { version: process.version, major, minor, patch }, value: 1 }] }
}

/** unperf's own: commands, cache, pools, budgets. */
function* collectUnperf(prefix: string, sources: MetricsSources): Generator<MetricFamily> {
  const totals = safe(() => sources.commandTotals()) ?? new Map()
  yield {
    name: `${prefix}_command_duration_seconds`, help: 'Duration of perf.run() commands in seconds.', type: 'histogram',
    histograms: [...totals].map(([command, t]) => ({ labels: commandLabels(command), data: t.durations })),
  }
  yield {
    name: `${prefix}_commands_total`, help: 'Commands run, by command and status (ok or error).', type: 'counter',
    values: [...totals].flatMap(([command, t]) => [...t.byStatus].map(([status, value]) => ({ labels: { ...commandLabels(command), status }, value }))),
  }

  const cache = safe(() => sources.cache())
  if (cache !== undefined) {
    const namespaces = Object.entries(cache.namespaces)
    const per = (key: 'hits' | 'misses' | 'evictions' | 'stale' | 'errors') => namespaces.map(([namespace, stats]) => ({ labels: { namespace }, value: stats[key] }))
    yield { name: `${prefix}_cache_hits_total`, help: 'Cache hits by namespace.', type: 'counter', values: per('hits') }
    yield { name: `${prefix}_cache_misses_total`, help: 'Cache misses by namespace.', type: 'counter', values: per('misses') }
    yield { name: `${prefix}_cache_stale_total`, help: 'Stale cache values served by namespace.', type: 'counter', values: per('stale') }
    yield { name: `${prefix}_cache_evictions_total`, help: 'Cache evictions by namespace.', type: 'counter', values: per('evictions') }
    yield { name: `${prefix}_cache_errors_total`, help: 'Cache driver errors by namespace.', type: 'counter', values: per('errors') }
  }

  const pools = safe(() => sources.pools()) ?? []
  const perPool = (key: 'queued' | 'active' | 'concurrency') => pools.map(p => ({ labels: { pool: p.name }, value: p[key] }))
  yield { name: `${prefix}_pool_queued_tasks`, help: 'Tasks waiting in the pool queue.', type: 'gauge', values: perPool('queued') }
  yield { name: `${prefix}_pool_active_tasks`, help: 'Tasks running in the pool.', type: 'gauge', values: perPool('active') }
  yield { name: `${prefix}_pool_concurrency_tasks`, help: 'Current concurrency limit of the pool (adaptive pools change it).', type: 'gauge', values: perPool('concurrency') }
  yield {
    name: `${prefix}_pool_tasks_total`, help: 'Pool tasks finished, by pool and result (completed, failed, or cancelled: ended by their signal or by a stopped map).', type: 'counter',
    values: pools.flatMap(p => [
      { labels: { pool: p.name, result: 'completed' }, value: p.completed }, { labels: { pool: p.name, result: 'failed' }, value: p.failed },
      { labels: { pool: p.name, result: 'cancelled' }, value: p.cancelled ?? 0 }, // ?? 0: a report written before the field existed
    ]),
  }

  const breaches = safe(() => sources.budgetBreaches())
  yield counter(`${prefix}_budget_breaches_total`, 'Performance budgets exceeded.', breaches ?? 0)
}
