/**
 * Internal contracts between the runtime's parts. `perf.ts` wires these together;
 * each part lives in its own folder and implements its interface here.
 * Types only.
 */
import type { CommandTotals } from './metrics/command-totals.js'
import type { ResolvedPerfConfig } from '../config/types.js'
import type { MonitorAlert, MonitorSample } from '../hooks/types.js'
import type { PerfHookRegistryImpl } from '../hooks/registry.js'
import type {
  CacheStats, CommandRecord, GraphResult, GraphTask, MemorySnapshot, PerfCache, PerfMemory,
  PerfMetrics, PerfPool, PerfReport, PerfWorkers, PoolStats, ReportWarning, SpanRecord, StartupPhase,
} from './types.js'

/** Prints a warning once per code (consola loaded lazily). */
export type WarnOnce = (code: string, message: string, about?: WarningSource) => void
/** What a warning is about, kept with it in the report: a plugin's, where it is listed. */
export interface WarningSource { plugin?: string; file?: string; path?: string }

export interface RuntimeContext {
  config: ResolvedPerfConfig
  hooks: PerfHookRegistryImpl
  warn: WarnOnce
  /**
   * The `unperf cache` commands': they look at what is stored, no run uses the scope, so it is not
   * marked used (made, on a cache never written) nor are other scopes pruned.
   */
  inspect?: true
}

// --- src/runtime/cache/index.ts: createCacheManager(ctx) -------------------------
export interface CacheManager {
  /** The default namespace (`perf.cache`). */
  readonly root: PerfCache
  /** `perf.cache.namespace(name)`; throws NamespaceAccessError for `plugin:*`. */
  namespace(name: string): PerfCache
  /** The private namespace of a plugin (`plugin:<name>`). */
  pluginNamespace(plugin: string): PerfCache
  /** The namespace shared by all plugins. */
  readonly shared: PerfCache
  /** Totals and per namespace. */
  stats(): CacheStats & { namespaces: Record<string, CacheStats> }
  /** Flush pending writes, release locks, disconnect remote tiers. Idempotent. */
  close(): Promise<void>
}
export type CreateCacheManager = (ctx: RuntimeContext) => CacheManager

// --- src/runtime/pool-manager.ts: createPoolManager(ctx) ---------------------------------
export interface PoolManager {
  /** A pool from `concurrency.pools`, or the default pool (name omitted or 'default'); unknown names get default settings. */
  pool(name?: string): PerfPool
  stats(): PoolStats[]
  /** At the natural end of the event loop: a warning per pool whose queued tasks can never start (a deadlock). */
  warnStalled(): void
}
// src/runtime/workers.ts: createWorkers(ctx) → PerfWorkers (pool library imported on first run)
// src/runtime/graph.ts: runGraph(tasks, pool) → GraphResult
export type RunGraph = (tasks: Record<string, GraphTask>, pool: PerfPool) => Promise<GraphResult>

// --- src/runtime/span.ts: createTracer() -----------------------------------------
/** A span that spans started elsewhere (a graph's tasks, run concurrently by a pool) name as their parent. */
export interface SpanParent {
  /** its number, or -1 for the top level */
  readonly index: number
  readonly name: string | undefined
  /** the depth of its children (0 when it is the top level) */
  readonly depth: number
  readonly command: string | undefined
  /** its command's run (0 outside any command) */
  readonly run: number
}
export interface Tracer {
  /** Times fn; nested spans record their parent and depth. */
  span<T>(name: string, fn: () => Promise<T> | T): Promise<T>
  /** The span open here (the top of the current command's stack), for spanUnder(). */
  parent(): SpanParent
  /**
   * Times fn as a child of `parent`, whenever and wherever it runs (not on the stack: spans fn
   * starts nest by the stack as usual). Exact for work run concurrently, as a graph's tasks.
   */
  spanUnder<T>(parent: SpanParent, name: string, fn: () => Promise<T> | T): Promise<T>
  /** Ends the current startup phase at now and starts `name`. */
  mark(name: string): void
  /**
   * Runs a command's body: spans started in it belong to it, nested under its own spans only (a
   * root, even when started inside another command's span or while another runs); the first
   * command also ends startup.
   * `run`: this run's number in the process (from 1), what its CommandRecord and spans carry.
   */
  command<T>(name: string, body: (run: number) => Promise<T>): Promise<T>
  /** The newest SPANS_KEPT spans that ended, in start order. */
  records(): SpanRecord[]
  /**
   * The process is exiting (process.exit(), a fatal error, a signal): the spans still open end
   * now, 'ok' or 'error' as the commands cut short are, so the report and the trace show where
   * the process was.
   */
  endOpen(ok: boolean): void
  /** Older spans left out of records() by a long-running process. */
  readonly dropped: number
  /** Startup phases from process start to the first command start. */
  phases(): StartupPhase[]
  /** ms since process start when the first command started (undefined before). */
  readonly startupEnd: number | undefined
  /** Chrome trace events (Trace Event Format, complete events 'X'). */
  traceEvents(): Record<string, unknown>[]
}

// --- src/runtime/memory.ts: createMemoryTracker() ---------------------------------
export interface MemoryTracker extends PerfMemory {
  /** Start sampling rss for a peak (cheap interval, unref'd). Returns a stop function giving the peak. */
  trackPeak(): () => number
  /** rss (bytes) at the latest sample: trackPeak() samples when it starts and when it stops. */
  readonly lastRss: number
  snapshots(): MemorySnapshot[]
}

// --- src/runtime/metrics/registry.ts: createMetricsRegistry(prefix, sources) --------
export interface MetricsSources {
  cache(): CacheStats & { namespaces: Record<string, CacheStats> }
  pools(): PoolStats[]
  /** Every command run so far, by name (the raw records are capped; these are not). */
  commandTotals(): ReadonlyMap<string, CommandTotals>
  budgetBreaches(): number
  lastSample(): MonitorSample | undefined
}
export type CreateMetricsRegistry = (prefix: string, sources: MetricsSources) => PerfMetrics

// --- src/runtime/monitors/index.ts: startMonitors(ctx, metrics) ---------------------
export interface Monitor {
  readonly samples: number
  readonly last: MonitorSample | undefined
  alerts(): MonitorAlert[]
  /** Take one sample now (also used by `unperf monitor`). */
  sample(): MonitorSample
  /**
   * Stop sampling (timers, samplers) but not the exports: perf.close() halts, judges the budgets
   * (which counts breaches), then stop()s, so the last textfile / push carries the run's verdicts.
   */
  halt(): void
  /** Halt, then write/push prometheus output if configured and close the server. */
  stop(): Promise<void>
}

// --- src/runtime/report/*: the end of a run -----------------------------------------
/** Everything the report is built from, gathered by perf.ts at close. */
export interface RunState {
  config: ResolvedPerfConfig
  /** ms since epoch */
  startedAt: number
  argv: string[]
  commands: CommandRecord[]
  /** Older command records left out of `commands` (a long-running process keeps the newest). */
  commandsDropped: number
  /** Per command over every run (the budgets use them when records were dropped). */
  commandTotals?: ReadonlyMap<string, CommandTotals>
  tracer: Tracer
  memory: MemoryTracker
  cache: (CacheStats & { namespaces: Record<string, CacheStats> }) | undefined
  pools: PoolStats[]
  monitor: Monitor | undefined
  exitCode: number | undefined
  /** What was warned about so far (createWarnOnce's `said`). */
  warnings?: readonly ReportWarning[]
  scope?: string
  /** Set by finalizeReport once the files are written (an exit during close must not write them again). */
  written?: PerfReport
  /** Set by the exit path: finalizeReport, still awaiting, must not write any more. */
  abandoned?: boolean
}
/**
 * src/runtime/report/finalize.ts:
 * - finalizeReport(state, ctx): builds the report, evaluates budgets (history-based p95 and
 *   regressions included), fires `budget:exceeded`, writes report.json, trace.json,
 *   appends history.jsonl (capped, safe with concurrent processes) and historyDriver,
 *   prints the console summary. Does NOT fire `report`/`exit` (perf.ts does).
 * - finalizeReportSync(state, ctx): the same without awaiting anything (process 'exit' handler).
 */
export type FinalizeReport = (state: RunState, ctx: RuntimeContext) => Promise<PerfReport>
export type FinalizeReportSync = (state: RunState, ctx: RuntimeContext) => PerfReport
