/**
 * Public runtime types: the perf instance and everything it exposes (the cache's: cache-types.ts;
 * pools, workers and graphs: execution-types.ts; the report: report-types.ts, all re-exported here).
 * Imports types only.
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import type { CommandContext, PerfHookRegistry } from '../hooks/types.js'
import type { PerfReport } from './report-types.js'
import type { PerfCache } from './cache-types.js'
import type { GraphOptions, GraphResult, GraphResults, GraphTask, PerfPool, PerfWorkers } from './execution-types.js'

// --- timing, memory, metrics -----------------------------------------------------

export interface SpanRecord {
  /** This span's number in the process (from 0, in start order): what `parentId` refers to. */
  id?: number
  /** Its parent's `id` (absent at the top level): exact where `parent`, a name, is ambiguous (concurrent siblings of one name). */
  parentId?: number
  name: string
  /** ms since process start (the clock of `performance.now()`, read without loading perf_hooks) */
  start: number
  /** ms */
  duration: number
  /** 0 = top level */
  depth: number
  parent?: string
  /** The command running when the span started. */
  command?: string
  /** That command's run (its CommandRecord's `run`): which of concurrent runs of one command. */
  run?: number
  status: 'ok' | 'error'
}
export interface StartupPhase {
  name: string
  /** ms since process start (the clock of `performance.now()`, read without loading perf_hooks) */
  start: number
  /** ms */
  duration: number
  /** 0..1 of total startup */
  share: number
}
export interface MemorySnapshot {
  label: string
  /** ms since epoch */
  time: number
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}
export interface MemoryTrend {
  /** `stable` under 100 KiB/s (or under 1 MiB over the snapshots' span). */
  direction: 'stable' | 'growing' | 'shrinking'
  /** bytes/s (least squares over heapUsed) */
  slope: number
  /** Snapshots the trend is computed over. */
  samples: number
}
export interface PerfMemory {
  /** Records `process.memoryUsage()` now, under `label` (bytes; unlabelled ones are numbered `#1`, `#2`, ...). */
  snapshot(label?: string): MemorySnapshot
  /** Least squares of heapUsed over the kept snapshots: `direction`, `slope` (bytes/s). */
  trend(): MemoryTrend
  /** The snapshots kept (the newest 1 000 to 2 000). */
  snapshots(): MemorySnapshot[]
  /** Peak rss seen (sampled during commands). */
  readonly peakRss: number
}
/**
 * A metric's labels. Declared with literal `labelNames` (`{ labelNames: ['route', 'code'] }`, `as const`
 * or not), only those names type-check, each optional (a subset is a series of its own, as in
 * prom-client); with `labelNames: []`, none; with `labelNames` typed `string[]`, or none given, any
 * name does (checked when recorded).
 */
export type MetricLabels<L extends string = string> = [L] extends [never] ? { [label: string]: never }
  : string extends L ? { [label: string]: string | number }
  : { [K in L]?: string | number }
/**
 * A label set given to `labels()`: an object (`labels({ route: '/a' })`), or the values in the
 * order of the metric's `labelNames` (`labels('GET', '/a')`, one value per name), as in prom-client.
 */
export type MetricLabelValues<L extends string = string> = [labels: MetricLabels<L>] | Array<string | number>
/**
 * Ends a timer started by `startTimer()`: records the seconds since the start (the monotonic clock,
 * not the wall clock) under the start's labels merged with `labels`, and returns them. Each call records again.
 */
export type MetricTimerEnd<L extends string = string> = {
  // a method's parameter, not a function type's: an end typed by its metric's label names is still a
  // `MetricTimerEnd` (methods compare their parameters both ways), as it was before label names were typed
  end(labels?: MetricLabels<L>): number
}['end']
/** One sample of {@link MetricSnapshot}: prom-client's `{ value, labels, metricName? }`. */
export interface MetricSnapshotValue {
  /** The sample's value: a counter's or gauge's, a bucket's cumulative count, a histogram's sum or count. */
  value: number
  /** The series' labels; a histogram's `_bucket` samples add `le` (the upper bound, `'+Inf'` for the last). */
  labels: MetricLabels
  /** A histogram's samples only: the series they are exposed as (`<name>_bucket`, `<name>_sum`, `<name>_count`). */
  metricName?: string
}
/** What a metric's `get()` resolves to: prom-client's shape. */
export interface MetricSnapshot {
  /** The full name, as exposed (the config's prefix, a counter's `_total`). */
  name: string
  /** The help text it was registered with. */
  help: string
  /** What it was registered as. */
  type: 'counter' | 'gauge' | 'histogram'
  /** Every series' samples: `[]` for a metric with labels before anything is recorded (or after `reset()`). */
  values: MetricSnapshotValue[]
  /** prom-client's cluster aggregation; unperf aggregates nothing across processes: always `'sum'`, prom-client's default. */
  aggregator: 'sum'
}
/** What every metric has besides recording. */
export interface MetricBase {
  /** Drops every series: a metric without labels is back at 0 (its buckets at 0), one with labels has none. */
  reset(): void
  /** The metric's current samples, as prom-client's `await metric.get()` gives them. */
  get(): Promise<MetricSnapshot>
}
/** A counter's series bound to a label set by `labels()`. */
export interface CounterChild {
  /** Adds `value` (default 1, never negative) to the bound series. */
  inc(value?: number): void
}
/** A counter; `L`: its label names, when declared as literals ({@link MetricLabels}). */
export interface Counter<L extends string = string> extends MetricBase {
  /** Adds `value` (default 1, never negative): the value first, the labels second (prom-client's other way round throws). */
  inc(value?: number, labels?: MetricLabels<L>): void
  /** The series of a label set, checked now (an undeclared label, a count of values that is not the count of `labelNames`, throw). */
  labels(...labels: MetricLabelValues<L>): CounterChild
}
/** A gauge's series bound to a label set by `labels()`. */
export interface GaugeChild<L extends string = string> {
  /** Sets the bound series' value. */
  set(value: number): void
  /** Adds `value` (default 1). */
  inc(value?: number): void
  /** Subtracts `value` (default 1). */
  dec(value?: number): void
  /** Sets the wall clock's time now, in seconds since the Unix epoch. */
  setToCurrentTime(): void
  /** Starts a timer; its end sets the gauge to the seconds elapsed. */
  startTimer(): MetricTimerEnd<L>
}
/** A gauge; `L`: its label names, when declared as literals ({@link MetricLabels}). */
export interface Gauge<L extends string = string> extends MetricBase {
  /** Sets the value. */
  set(value: number, labels?: MetricLabels<L>): void
  /** Adds `value` (default 1). */
  inc(value?: number, labels?: MetricLabels<L>): void
  /** Subtracts `value` (default 1). */
  dec(value?: number, labels?: MetricLabels<L>): void
  /** Sets the wall clock's time now, in seconds since the Unix epoch (prom-client's unit; sub-ms precision). */
  setToCurrentTime(labels?: MetricLabels<L>): void
  /** Starts a timer (the monotonic clock); its end sets the gauge to the seconds elapsed, under `labels` merged with the end's. */
  startTimer(labels?: MetricLabels<L>): MetricTimerEnd<L>
  /** The series of a label set, checked now (an undeclared label, a count of values that is not the count of `labelNames`, throw). */
  labels(...labels: MetricLabelValues<L>): GaugeChild<L>
}
/** A histogram's series bound to a label set by `labels()`. */
export interface HistogramChild<L extends string = string> {
  /** Records one observation in the bound series. */
  observe(value: number): void
  /** Starts a timer; its end observes the seconds elapsed. */
  startTimer(): MetricTimerEnd<L>
}
/** A histogram; `L`: its label names, when declared as literals ({@link MetricLabels}). */
export interface Histogram<L extends string = string> extends MetricBase {
  /** Records one observation (put the unit in the name: `_seconds`, `_bytes`). */
  observe(value: number, labels?: MetricLabels<L>): void
  /** Starts a timer (the monotonic clock); its end observes the seconds elapsed, under `labels` merged with the end's. */
  startTimer(labels?: MetricLabels<L>): MetricTimerEnd<L>
  /** The series of a label set, checked now (an undeclared label, a count of values that is not the count of `labelNames`, throw). */
  labels(...labels: MetricLabelValues<L>): HistogramChild<L>
}
/**
 * The user's metrics. `labelNames` written as literals (`['route', 'code']`, `as const` or not) type
 * the labels the metric's calls take: `inc(1, { rout: 'x' })` is a type error, as with prom-client's
 * `Counter<'route' | 'code'>`; without `labelNames`, or with a `string[]`, any label name type-checks.
 */
export interface PerfMetrics {
  /** A counter, exported with unperf's own metrics: the name gets the config's prefix and `_total` if missing. */
  counter<L extends string = string>(name: string, help: string, options?: { labelNames?: readonly L[] | undefined }): Counter<L>
  /** A gauge, exported with unperf's own metrics (the name gets the config's prefix). */
  gauge<L extends string = string>(name: string, help: string, options?: { labelNames?: readonly L[] | undefined }): Gauge<L>
  /** A histogram, exported with unperf's own metrics (the name gets the config's prefix); `buckets` ascending. */
  histogram<L extends string = string>(name: string, help: string, options?: { labelNames?: readonly L[] | undefined; buckets?: readonly number[] | undefined }): Histogram<L>
  /** Prometheus text exposition format 0.0.4 of every metric, unperf's own included. */
  expose(): string
}

// --- monitors -------------------------------------------------------------------

/** Where the Prometheus HTTP endpoint answers (`monitors.prometheus: { port }`). */
export interface MetricsEndpoint {
  /** The host it listens on, as configured. */
  host: string
  /** The port it listens on: the configured one, or the one the OS picked for `port: 0`. */
  port: number
  /** The metrics url, e.g. `http://127.0.0.1:9464/metrics` (an IPv6 host in brackets). */
  url: string
  /** The health url, e.g. `http://127.0.0.1:9464/healthz`. */
  healthz: string
}
/** The monitors of an instance (`perf.monitors`, undefined when `monitors` is off). */
export interface PerfMonitors {
  /**
   * The Prometheus HTTP endpoint, when `monitors.prometheus` has a `port` (undefined for `file`,
   * `pushgateway` or none). `address()` starts the monitors if no command has yet, and resolves once the server listens, with the port it got
   * (the OS's pick for `port: 0`); undefined when it could not listen (the warning says why), and
   * once `perf.close()` has started to close it.
   */
  readonly prometheus: { address(): Promise<MetricsEndpoint | undefined> } | undefined
}

// --- the instance ------------------------------------------------------------------

export interface RunOptions {
  /** The command's arguments (`ctx.argv`). @default process.argv.slice(2) */
  argv?: string[] | undefined
}
export interface Perf {
  /** The resolved, validated config: numbers only, every default filled in. */
  readonly config: ResolvedPerfConfig
  /** `hook()` → unregister, `hookOnce()`, `callHook()`, `removeHook()`, `hasListeners()`. */
  readonly hooks: PerfHookRegistry
  /** The default namespace (`keys()`/`clear()` cover it alone); `perf.cache.namespace(name)` opens others. */
  readonly cache: PerfCache
  /** Worker threads for CPU-bound work: `perf.workers.run(moduleUrl, 'exportName', args)`. */
  readonly workers: PerfWorkers
  /** User metrics (counter, gauge, histogram), exported with unperf's own. */
  readonly metrics: PerfMetrics
  /** Memory snapshots, their trend, the peak rss. */
  readonly memory: PerfMemory
  /**
   * The monitors (`monitors` configured and enabled), else undefined. They start with the first
   * perf.run() (or one `interval`, at most 1 s, after createPerf() in a process that runs none, or when
   * `prometheus.address()` is asked): a --help runs no command, samples nothing, binds no port.
   */
  readonly monitors: PerfMonitors | undefined
  /** The pool `name` (`concurrency.pools.<name>`, else one with the defaults); the default pool without a name. */
  pool(name?: string): PerfPool
  /**
   * Runs a command through its lifecycle (`command:before`, fn, `command:error`, `command:after`),
   * timed and recorded under `name` (its budgets: `budgets.commands.<name>`); returns fn's result.
   */
  run<T>(name: string, fn: (ctx: CommandContext) => Promise<T> | T, options?: RunOptions): Promise<T>
  /** Runs `tasks` in dependency order (see {@link GraphOptions}); `results` typed per task ({@link GraphResults}). */
  graph<T extends Record<string, GraphTask>>(tasks: T, options?: GraphOptions): Promise<GraphResult<GraphResults<T>>>
  /** Times fn as a span (nested spans appear under it in the trace); returns fn's result. */
  span<T>(name: string, fn: () => Promise<T> | T): Promise<T>
  /** Record a startup phase boundary (adapters and the loader use it). */
  mark(name: string): void
  /** Runs budgets, writes reports, fires `report` and `exit` once; sets process.exitCode on a breach in 'error' mode. */
  close(): Promise<PerfReport>
  /** `true` once closed: its report written and `report` fired. */
  readonly closed: boolean
}

export interface CreatePerfOptions {
  /** Where perf.config is looked for. @default cwd */
  rootDir?: string | undefined
  /** The project the command works on. @default the nearest dir at or above process.cwd() with a package.json (not past a `.git` dir or to the home dir), else process.cwd() */
  cwd?: string | undefined
  /**
   * The app's name (cache dir, metric prefix): given here, it wins over the config file's `name`
   * (as `overrides` do). @default the config's `name`, else the host package.json name
   */
  name?: string | undefined
  /** The environment (`$development`, `$env.<name>` blocks). @default PERF_ENV, else NODE_ENV, else 'production' */
  env?: string | undefined
  /** Explicit config file (absolute or relative to rootDir). */
  configFile?: string | undefined
  /** Merged over the loaded config (highest priority). */
  overrides?: import('../config/types.js').PerfConfig | undefined
  /** Skip the config snapshot fast path and load through c12. @default false */
  noSnapshot?: boolean | undefined
  /** Don't install process exit handlers. @default false */
  noExitHandlers?: boolean | undefined
}

export * from './cache-types.js'
export * from './execution-types.js'
export * from './report-types.js'
