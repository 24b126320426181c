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
export interface MetricLabels { [label: string]: string | number }
export interface Counter {
  /** Adds `value` (default 1, never negative): the value first, the labels second (prom-client's other way round throws). */
  inc(value?: number, labels?: MetricLabels): void
}
export interface Gauge {
  /** Sets the value. */
  set(value: number, labels?: MetricLabels): void
  /** Adds `value` (default 1). */
  inc(value?: number, labels?: MetricLabels): void
  /** Subtracts `value` (default 1). */
  dec(value?: number, labels?: MetricLabels): void
}
export interface Histogram {
  /** Records one observation (put the unit in the name: `_seconds`, `_bytes`). */
  observe(value: number, labels?: MetricLabels): void
}
export interface PerfMetrics {
  /** A counter, exported with unperf's own metrics: the name gets the config's prefix and `_total` if missing. */
  counter(name: string, help: string, options?: { labelNames?: string[] | undefined }): Counter
  /** A gauge, exported with unperf's own metrics (the name gets the config's prefix). */
  gauge(name: string, help: string, options?: { labelNames?: string[] | undefined }): Gauge
  /** A histogram, exported with unperf's own metrics (the name gets the config's prefix); `buckets` ascending. */
  histogram(name: string, help: string, options?: { labelNames?: string[] | undefined; buckets?: number[] | undefined }): Histogram
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
