/**
 * Public runtime types: the perf instance and everything it exposes.
 * Imports types only.
 */
import type { ResolvedPerfConfig, Duration } from '../config/types.js'
import type { CommandContext, PerfHookRegistry } from '../hooks/types.js'
import type { PerfReport } from './report-types.js'

// --- cache -----------------------------------------------------------------

export interface CacheSetOptions {
  /** Overrides the namespace ttl. `false` = never expires. */
  ttl?: Duration | false | undefined
  /** Free-form JSON data stored beside the value. */
  metadata?: Record<string, unknown> | undefined
}
export interface CacheWrapOptions {
  ttl?: Duration | false | undefined
  /**
   * Serve stale (up to this long past expiry, `true` = no limit) and revalidate in the background.
   * This call's window, whatever window the entry was written with. @default the namespace's `swr`
   */
  swr?: boolean | Duration | undefined
  /** Serve stale (up to this long past expiry) when fn throws. This call's window, as `swr`. @default the namespace's `staleIfError` */
  staleIfError?: boolean | Duration | undefined
  /** Globs (relative to cwd) whose content hash joins the key. */
  files?: string[] | undefined
}
export interface CachedOptions<A extends unknown[]> extends CacheWrapOptions {
  /** Name of the memoized function; part of the key. */
  name: string
  /** Key from the arguments. @default JSON of the arguments */
  key?: ((...args: A) => string) | undefined
}
export interface CacheEntry<T = unknown> {
  value: T
  /** ms since epoch */
  createdAt: number
  /** ms since epoch, or null = never expires */
  expiresAt: number | null
  /** bytes stored (after compression) */
  size: number
  metadata: Record<string, unknown> | undefined
}
export interface CacheStats {
  hits: number
  misses: number
  stale: number
  sets: number
  deletes: number
  evictions: number
  errors: number
  /** (hits + stale) / (hits + stale + misses): a stale value served came from the cache; 0 when there were no lookups. */
  hitRate: number
}
export interface CacheInfo {
  /** Driver names of the tiers, fastest first, e.g. `'memory+fs'`. */
  driver: string
  dir?: string
  /** This namespace's entries as stored (expired ones not swept yet included, unlike keys()); with tiers, the largest tier's. */
  entries: number
  /** Bytes of those entries as stored (encoded, compressed): what counts against maxSize. */
  bytes: number
  /** This namespace's limit in bytes. */
  maxSize: number
  /**
   * All namespaces of the cache together, against the shared `cache.maxSize`: memory tiers of this
   * process, fs tiers on disk (the current scope). With several tiers, the largest of the two.
   */
  total: { entries: number; bytes: number; maxSize: number }
  /**
   * Every namespace of the cache: `default`, the configured ones, those opened in this process and
   * those on disk in the scope's fs dirs (other runs' plugin and ad-hoc namespaces). A plugin's
   * namespace lists no other plugin's.
   */
  namespaces: string[]
}
export interface CacheVerifyResult {
  checked: number
  corrupt: number
  removed: number
}

/** One cache namespace. `perf.cache` is the default namespace. */
export interface PerfCache {
  readonly name: string
  get<T = unknown>(key: string): Promise<T | null>
  getMany<T = unknown>(keys: string[]): Promise<(T | null)[]>
  set<T = unknown>(key: string, value: T, options?: CacheSetOptions): Promise<void>
  setMany(entries: [key: string, value: unknown, options?: CacheSetOptions | undefined][]): Promise<void>
  has(key: string): Promise<boolean>
  delete(key: string): Promise<boolean>
  getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | null>
  wrap<T>(key: string, fn: () => Promise<T> | T, options?: CacheWrapOptions): Promise<T>
  cached<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R, options: CachedOptions<A>): (...args: A) => Promise<R>
  /** An HTTP cache over global fetch; a `Request` is read for its URL, method and headers. */
  fetch(url: string | URL | Request, init?: RequestInit): Promise<Response>
  warm(entries: Record<string, () => Promise<unknown>>): Promise<void>
  /** Deletes the keys keys() lists that match (a glob: `*` matches any characters; or a RegExp); returns how many. */
  invalidate(pattern: string | RegExp): Promise<number>
  /**
   * This namespace's keys whose entries are live: those get() returns, and those past their ttl but
   * within their stale window (`swr` / `staleIfError`), which wrap() can still serve (get() misses
   * them). An expired entry not removed yet is not listed; listing removes nothing.
   */
  keys(): Promise<string[]>
  /** Removes every entry of this namespace, expired ones too; returns how many were live (keys()'s count). */
  clear(): Promise<number>
  prune(): Promise<number>
  stats(): CacheStats
  info(): Promise<CacheInfo>
  verify(): Promise<CacheVerifyResult>
  /** Another namespace (not available on plugin namespaces). `plugin:*` names throw. */
  namespace(name: string): PerfCache
}

// --- pools, workers, graphs ---------------------------------------------------

/**
 * A pool's settings for one call, over its config (`concurrency.pools.<name>`): `run(fn, { timeout:
 * '2s', retries: 3 })` for one slow call, as p-queue's `add(fn, { timeout })` or got's per-request
 * options. Each one omitted (or `undefined`) is the pool's; the next call has the pool's again. Read
 * as the config reads them; a bad value rejects the call with a `TypeError` (`code:
 * 'E_INVALID_ARGUMENT'`) naming the option, before anything runs. {@link PoolRunOptions},
 * {@link PoolMapOptions} (a map's apply to each of its items).
 */
export interface PoolTaskOptions {
  /**
   * Per attempt: the task's signal aborts and it rejects with `TimeoutError` (`code: 'E_TIMEOUT'`),
   * its slot freed at once. Number = ms, string = `'2s'`. `false` = no timeout, even if the pool has
   * one; `0` is refused (as in the config: use `false`). Costs an `AbortController` and a timer per
   * attempt. @default the pool's `timeout` (`false`)
   */
  timeout?: Duration | false | undefined
  /**
   * Extra attempts after a failure (timeouts included), an integer from 0 to 100; `0` = none, even
   * if the pool retries. Not after an `AbortError` or a `TypeError` other than a network one, as the
   * pool's. @default the pool's `retries` (`0`)
   */
  retries?: number | undefined
  /**
   * Base delay of the retries: attempt *n* waits uniform [0, min(maxBackoff, backoff × 2ⁿ)].
   * Number = ms, string = `'100ms'`; `0` = retry at once. @default the pool's `backoff` (`'100ms'`)
   */
  backoff?: Duration | undefined
  /** Cap of one retry delay. Number = ms, string = `'5s'`. @default the pool's `maxBackoff` (`'10s'`) */
  maxBackoff?: Duration | undefined
}
export interface PoolMapOptions extends PoolTaskOptions {
  /** Abort in-flight tasks and start no more after the first failure. @default false */
  stopOnError?: boolean | undefined
  /**
   * Cancels the whole map, as p-map's `signal`: once aborted, the map rejects with the signal's
   * reason; items still queued never run, running ones get a signal that aborts with it (their
   * slots are freed at once), none is retried. Already aborted: nothing runs.
   */
  signal?: AbortSignal | undefined
}
export interface PoolRunOptions extends PoolTaskOptions {
  /**
   * Cancels the task, as p-queue's `add(fn, { signal })`: once aborted, the task rejects with the
   * signal's reason; still queued, it is taken out of the queue and never runs; running, fn (which
   * gets a signal that aborts with it) can stop, and its slot is freed at once. A task waiting for
   * a retry is not retried. Already aborted: the task rejects without running.
   */
  signal?: AbortSignal | undefined
}
export interface PoolStats {
  name: string
  concurrency: number
  adaptive: boolean
  active: number
  queued: number
  completed: number
  failed: number
  /** Tasks that were running when their outside signal aborted (queued ones never ran and are not counted). */
  cancelled: number
  retries: number
  timeouts: number
}
export interface PerfPool {
  readonly name: string
  run<T>(fn: (signal: AbortSignal) => Promise<T> | T, options?: PoolRunOptions): Promise<T>
  map<I, T>(items: Iterable<I | PromiseLike<I>> | AsyncIterable<I | PromiseLike<I>>, fn: (item: I, index: number, signal: AbortSignal) => Promise<T> | T, options?: PoolMapOptions): Promise<T[]>
  /** Tasks running now. */
  readonly active: number
  /** Tasks waiting. */
  readonly queued: number
  /** Current concurrency (changes over time for 'adaptive'). */
  readonly concurrency: number
  stats(): PoolStats
  /** Resolves when nothing is running or queued. */
  onIdle(): Promise<void>
}
export interface WorkerRunOptions {
  /**
   * This call's time limit per attempt, over `concurrency.workers.timeout`: timed from the moment a
   * thread takes the task (not while it waits for one, nor a new thread's start); past it the
   * thread is terminated (the pool starts another for the next task) and the call rejects with
   * `TimeoutError` (`code: 'E_TIMEOUT'`). Number = ms, string = `'2s'`. `false` = none, even if the
   * config sets one; `0` is refused (as in the config: use `false`). @default `concurrency.workers.timeout` (`false`)
   */
  timeout?: Duration | false | undefined
  /**
   * This call's extra attempts after a failure (a timeout included), an integer from 0 to 100, over
   * `concurrency.workers.retries`; `0` = none. With the pools' backoff (100 ms × 2ⁿ, full jitter,
   * cap 10 s); not after an `AbortError` or a non-network `TypeError`, nor for a call with a
   * `transferList` (its buffers left with the first attempt). A timed-out attempt's thread is
   * terminated first, so no two attempts of one call ever run at once.
   * @default `concurrency.workers.retries` (`0`)
   */
  retries?: number | undefined
  /**
   * Moved to the worker, not copied, as Piscina's `transferList` (postMessage's transfer list):
   * ArrayBuffers (the `.buffer` of a typed array among the args), MessagePorts. They are detached
   * here once sent; a task with a transfer list is therefore never retried. Typed as objects so
   * the types need no @types/node; what postMessage cannot move is a TypeError naming it.
   */
  transferList?: readonly object[] | undefined
  /**
   * Cancels the task, as Piscina's `signal`: queued, it never runs; running, its thread is
   * terminated; waiting for a retry, the wait ends. Rejects with the signal's reason, not retried.
   */
  signal?: AbortSignal | undefined
  /**
   * Move the result back instead of copying it, as a Piscina export's `Piscina.move(result)`: an
   * `ArrayBuffer`, or a typed array / `Buffer` / `DataView` that spans its whole buffer, returned by
   * the export (alone, or as a direct element or property of a returned array or plain object) is
   * transferred, zero copy, and detached in the worker. Only for exports that return buffers they do
   * not keep (a buffer cached in the worker would be empty on its next call). A view of part of a
   * larger buffer (a small `Buffer` from Node's pool), a `SharedArrayBuffer` or anything else is copied
   * as without the option. @default false
   */
  transferResult?: boolean | undefined
}
export interface PerfWorkers {
  run<T = unknown>(moduleUrl: string | URL, exportName: string, args?: unknown[], options?: WorkerRunOptions): Promise<T>
  /**
   * The worker tasks' counters in a pool's shape (name `'workers'`, concurrency = `concurrency.workers.max`),
   * as the report's `pools` lists them: per call, its retries and timed-out attempts counted apart.
   */
  stats(): PoolStats
  close(): Promise<void>
}
export interface GraphTask<T = unknown> {
  run: (ctx: { results: Record<string, unknown>; signal: AbortSignal }) => Promise<T> | T
  deps?: string[] | undefined
}
export interface GraphOptions {
  /** Pool name the tasks run in. @default the default pool */
  pool?: string | undefined
  /**
   * The name of the graph's span (its tasks' spans are under it): tells apart the graphs of one
   * command in the report and the trace. @default 'graph'
   */
  name?: string | undefined
  /**
   * The first failure stops the graph, as p-map's `stopOnError`: the tasks running see their
   * signal abort, no other task starts, and the graph rejects at once with a `GraphError` (`task`,
   * `cause`, `result`). @default false: a failure skips its dependents only, the graph resolves
   */
  stopOnError?: boolean | undefined
  /**
   * Cancels the graph, as p-map's `signal`: once aborted the graph rejects with the signal's
   * reason, the tasks running see their signal abort and no other task starts.
   */
  signal?: AbortSignal | undefined
}
/**
 * What `perf.graph(tasks)` resolves `results` with: each task's result by its name, typed by what
 * its `run` returns. Optional: a task that failed, was skipped or did not run has none (check
 * `failed.length`).
 */
export type GraphResults<T extends Record<string, GraphTask>> = { [K in keyof T]?: Awaited<ReturnType<T[K]['run']>> }
export interface GraphResult<R extends Record<string, unknown> = Record<string, unknown>> {
  results: R
  ran: string[]
  failed: { name: string; error: unknown }[]
  skipped: string[]
  /** ms */
  duration: number
}

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
  direction: 'stable' | 'growing' | 'shrinking'
  /** bytes/s (least squares over heapUsed) */
  slope: number
  samples: number
}
export interface PerfMemory {
  snapshot(label?: string): MemorySnapshot
  trend(): MemoryTrend
  snapshots(): MemorySnapshot[]
  /** Peak rss seen (sampled during commands). */
  readonly peakRss: number
}
export interface MetricLabels { [label: string]: string | number }
export interface Counter { inc(value?: number, labels?: MetricLabels): void }
export interface Gauge { set(value: number, labels?: MetricLabels): void; inc(value?: number, labels?: MetricLabels): void; dec(value?: number, labels?: MetricLabels): void }
export interface Histogram { observe(value: number, labels?: MetricLabels): void }
export interface PerfMetrics {
  counter(name: string, help: string, options?: { labelNames?: string[] | undefined }): Counter
  gauge(name: string, help: string, options?: { labelNames?: string[] | undefined }): Gauge
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
  argv?: string[] | undefined
}
export interface Perf {
  readonly config: ResolvedPerfConfig
  readonly hooks: PerfHookRegistry
  readonly cache: PerfCache
  readonly workers: PerfWorkers
  readonly metrics: PerfMetrics
  readonly memory: PerfMemory
  /**
   * The monitors (`monitors` configured and enabled), else undefined. They start with the first
   * perf.run() (or one `interval`, at most 1 s, after createPerf() in a process that runs none, or when
   * `prometheus.address()` is asked): a --help runs no command, samples nothing, binds no port.
   */
  readonly monitors: PerfMonitors | undefined
  pool(name?: string): PerfPool
  run<T>(name: string, fn: (ctx: CommandContext) => Promise<T> | T, options?: RunOptions): Promise<T>
  /** Runs `tasks` in dependency order (see {@link GraphOptions}); `results` typed per task ({@link GraphResults}). */
  graph<T extends Record<string, GraphTask>>(tasks: T, options?: GraphOptions): Promise<GraphResult<GraphResults<T>>>
  span<T>(name: string, fn: () => Promise<T> | T): Promise<T>
  /** Record a startup phase boundary (adapters and the loader use it). */
  mark(name: string): void
  /** Runs budgets, writes reports, fires `report` and `exit` once; sets process.exitCode on a breach in 'error' mode. */
  close(): Promise<PerfReport>
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
  /** @default PERF_ENV, else NODE_ENV, else 'production' */
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

export * from './report-types.js'
