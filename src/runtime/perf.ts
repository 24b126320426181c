/**
 * createPerf: load the config, wire hooks, plugins, cache, pools, monitors and reports into one
 * instance, and run the command lifecycle:
 * createPerf → config:resolved → plugins → perf:ready → run(): command:before → fn →
 * command:after | command:error → close(): budgets, reports → report → exit (once, on every path).
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import { _loadPerfConfigLayers } from '../config/load.js'
import { errorMessage } from '../errors.js'
import { lifecycleRefusal } from '../hooks/plugin-hooks.js'
import { createHookRegistry, type PerfHookRegistryImpl } from '../hooks/registry.js'
import { unknownHookMessage } from '../hooks/unknown-hook.js'
import type { CommandContext } from '../hooks/types.js'
import type { CacheManager, PoolManager, RunState, RuntimeContext, Tracer, WarnOnce } from './_internal.js'
import type { InFlight } from './command-record.js'
import { CommandLog } from './command-log.js'
import { markStalled, runCommand } from './command-runs.js'
import { now } from './clock.js'
import { LoopEndWatch } from './loop-end.js'
import { makeCurrent, releaseCurrent } from './current.js'
import type { ExitHandlers } from './exit.js'
import { createMemoryTracker } from './memory.js'
import type { MonitorImpl } from './monitors/index.js'
import { createMetricsRegistry } from './metrics/registry.js'
import { createPoolManager } from './pool-manager.js'
import { closeRun } from './run-end.js'
import { startRun, type RunStartHost } from './run-start.js'
import { createTracer } from './span.js'
import { createOptionsError, graphOptionsError, markNameError, runOptionsError, poolNameError, runFnError, runNameError, spanInputError } from './input-errors.js'
import { isName, plainCreateOptions, plainGraphOptions, plainRunOptions } from './input-checks.js'
import type {
  CreatePerfOptions, GraphOptions, GraphResult, GraphResults, GraphTask, Perf, PerfCache,
  PerfMetrics, PerfMonitors, PerfPool, PerfReport, PerfWorkers, PoolStats, ReportWarning, RunOptions,
} from './types.js'
import { createWarnOnce } from './warn.js'
import { createWorkers } from './workers.js'

/** util.inspect's hook, by its registered name (no import of node:util). */
const INSPECT = Symbol.for('nodejs.util.inspect.custom')
type Inspect = (value: unknown, options: { depth?: number | null }) => string

export function createPerf(options: CreatePerfOptions = {}): Promise<Perf> {
  return openPerf(options, false, 'createPerf')
}

/**
 * createPerf() for a host whose every command is a perf.run() (the adapters): its monitors start with
 * the first command, so a `--help`, a `--version` or a usage error starts no sampler and binds no
 * monitors.prometheus.port (a second `cli --help` beside a running `cli dev` would warn EADDRINUSE).
 * createPerf() itself starts them before it returns: its caller may serve /metrics with no command.
 */
export function createPerfForCommands(options: CreatePerfOptions, caller = 'createPerf'): Promise<Perf> {
  return openPerf(options, true, caller)
}

/** `caller`: the function a bad rootDir or cwd is told as given to (`createPerf`, `withPerf`, `instrument`). */
async function openPerf(options: CreatePerfOptions, monitorsWithCommand: boolean, caller: string): Promise<Perf> {
  if (!plainCreateOptions(options)) throw createOptionsError(options)
  const startedAt = Date.now()
  const tracer = createTracer()
  tracer.mark('config')
  const loaded = await _loadPerfConfigLayers(options, caller)
  const perf = new PerfInstance(loaded.config, tracer, startedAt, options)
  perf._monitorsWithCommand = monitorsWithCommand
  // current while it is set up: a plugin's setup() or a config:resolved listener may call getPerf()
  makeCurrent(perf)
  try {
    await startRun(perf)
  } catch (error) {
    releaseCurrent(perf)
    throw error
  }
  return perf
}

/**
 * The `_` fields are the instance's internals, read by the parts of its lifecycle in their own files:
 * its start inside createPerf() (run-start.ts), perf.run()'s commands (command-runs.ts) and the end
 * of the run (run-end.ts). Not API, yet
 * enumerable (Object.keys lists them): console.log and JSON.stringify show the public fields only
 * ([INSPECT] and toJSON below).
 */
class PerfInstance implements RunStartHost {
  readonly hooks: PerfHookRegistryImpl = createHookRegistry()
  readonly memory: ReturnType<typeof createMemoryTracker>
  readonly _warn: WarnOnce & { seen: Set<string>; said: ReportWarning[] }
  readonly _ctx: RuntimeContext
  _cache: CacheManager | undefined
  private _pools: PoolManager | undefined
  _workers: PerfWorkers | undefined
  _metrics: PerfMetrics | undefined
  _monitor: MonitorImpl | undefined
  _monitorStart: Promise<void> | undefined
  _monitorsWithCommand = false
  readonly _inFlight = new Set<InFlight>()
  readonly _log: CommandLog
  _closing: Promise<PerfReport> | undefined
  _closedSync: PerfReport | undefined
  _closingState: RunState | undefined
  readonly _fired = { report: false, exit: false }
  _afterClose: (() => void | Promise<void>) | undefined
  _uninstallExit: ExitHandlers | undefined
  /** 'beforeExit' while commands run or a pool exists: a stalled pool named, the commands running marked (loop-end.ts). */
  readonly _loopEnd = new LoopEndWatch(() => {
    this._pools?.warnStalled()
    markStalled(this)
  }, () => this._uninstallExit !== undefined && !this.closed)
  _breaches = 0
  closed = false

  constructor(
    readonly config: ResolvedPerfConfig,
    readonly _tracer: Tracer,
    private readonly _startedAt: number,
    readonly _options: CreatePerfOptions,
  ) {
    this._warn = createWarnOnce()
    this.hooks.onListenerError = (name, error) => this._warn(`hook-error:${name}`, `a '${name}' hook listener threw: ${errorMessage(error)}`)
    // a typo ('command:aftr') registered a listener that never ran, silently
    // ... or config:resolved / perf:ready registered once they have fired: a listener that never runs
    this.hooks.onUnknownName = name => { if (!this._warn.seen.has(`unknown-hook:${name}`)) this._warn(`unknown-hook:${name}`, unknownHookMessage(name)) }
    this._ctx = { config, hooks: this.hooks, warn: this._warn }
    this.memory = createMemoryTracker()
    this._log = new CommandLog(name => Object.hasOwn(config.budgets.commands, name), this._warn)
  }

  // internals out of sight: console.log(perf) and JSON.stringify(perf) of the perf:ready payload
  // (or getPerf(), ctx.perf) showed every `_` field. On the prototype, nothing per instance: making
  // each `_` field non-enumerable in the constructor cost every warm start ≈ 1.2 M instructions
  // (≈ 0.7 % of it), so Object.keys(perf) still lists them.
  [INSPECT](_depth: number, options: { depth?: number | null }, inspect: Inspect): string {
    if (options.depth != null && options.depth < 0) return 'Perf {}'
    return `Perf ${inspect(this.toJSON(), { ...options, depth: options.depth == null ? options.depth : options.depth - 1 })}`
  }

  /** What JSON.stringify(perf) writes: the public fields. */
  toJSON(): Pick<PerfInstance, 'config' | 'hooks' | 'memory' | 'closed'> {
    return { config: this.config, hooks: this.hooks, memory: this.memory, closed: this.closed }
  }

  get cache(): PerfCache {
    return this._cache!.root
  }

  get monitors(): PerfMonitors | undefined {
    const { enabled, prometheus } = this.config.monitors
    if (!enabled) return undefined
    // asked where it serves: it is wanted now (started unless the run is over)
    return { prometheus: prometheus && 'port' in prometheus ? { address: async () => { await this._startMonitors(); return this._monitor?.server?.address() } } : undefined }
  }

  /**
   * Starts the monitors once (samplers, alerts, the Prometheus server, textfile or push): settles
   * when they run; undefined when they are off, running, or the run is over. Failures are warned.
   */
  _startMonitors(): Promise<void> | undefined {
    if (this._monitor !== undefined || this.closed || !this.config.monitors.enabled) return undefined
    return (this._monitorStart ??= import('./monitors/index.js').then(({ startMonitors }) => {
      if (!this.closed) this._monitor = startMonitors(this._ctx, this.metrics, this._metricsSources())
    }, (error: unknown) => this._warn('monitors', `monitors could not start: ${errorMessage(error)}`)))
  }

  get workers(): PerfWorkers {
    return (this._workers ??= createWorkers(this._ctx))
  }

  get metrics(): PerfMetrics {
    return (this._metrics ??= createMetricsRegistry(this.config.name, this._metricsSources()))
  }

  pool(name?: string): PerfPool {
    // the checks inline, the message from a deferred module (input-errors.ts): only a slip loads it
    if (name !== undefined && !isName(name)) throw poolNameError(name)
    if (this._pools === undefined) {
      this._pools = createPoolManager(this._ctx)
      // the loop's natural end with tasks still queued is a deadlock: node exits (13 under a top-level
      // await, else 0) without a word; name the pool. Listened to once a pool exists, until close()
      this._loopEnd.keep()
    }
    return this._pools.pool(name)
  }

  mark(name: string): void {
    if (!isName(name)) throw markNameError(name)
    this._tracer.mark(name)
  }

  span<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    // a JavaScript caller's slip (a loop index for a name): a number in the tracer made close() throw
    if (typeof name !== 'string' || name === '' || typeof fn !== 'function') return Promise.reject(spanInputError(name, fn))
    return this._tracer.span(name, fn)
  }

  graph<T extends Record<string, GraphTask>>(tasks: T, options: GraphOptions = {}): Promise<GraphResult<GraphResults<T>>> {
    const invalid = plainGraphOptions(options) ? undefined : graphOptionsError(options)
    if (invalid) return Promise.reject(invalid)
    const name = options.name ?? 'graph'
    let pool: PerfPool
    try {
      pool = this.pool(options.pool)
    } catch (error) {
      return Promise.reject(error) // a promise-returning API: no synchronous throw
    }
    // one span for the graph, started now, each task a span under it (explicit parent: they run concurrently)
    return this._tracer.span(name, async () => {
      // the graph's own span, read now: after the await another span (a graph started at once) is open
      const parent = this._tracer.parent()
      const { runGraph } = await import('./graph.js')
      return runGraph(tasks, pool, { signal: options.signal, stopOnError: options.stopOnError, tracer: this._tracer, parent }) as Promise<GraphResult<GraphResults<T>>>
    })
  }

  run<T>(name: string, fn: (ctx: CommandContext) => Promise<T> | T, options: RunOptions = {}): Promise<T> {
    // called from a plugin's code (ctx.perf, getPerf()), also after an await of its async listener: refused
    if (this.hooks.currentOwner()) return Promise.reject(lifecycleRefusal('run'))
    // a command's name keys its budgets, history and metrics series: '' (command="") or a non-string is a caller's slip
    if (!isName(name) || typeof fn !== 'function') return Promise.reject(runNameError(name) ?? runFnError(name, fn))
    if (!plainRunOptions(options)) return Promise.reject(runOptionsError(name, options))
    // closed (its report written, 'exit' fired): a later run (code holding the instance past the end
    // of the run) still runs, unrecorded and without hooks; it grew the report close() had returned
    if (this.closed) return (async () => fn({ name, argv: options.argv ?? process.argv.slice(2), startTime: now(), perf: this, data: {} }))()
    return runCommand(this, name, fn, options)
  }

  close(): Promise<PerfReport> {
    if (this.hooks.currentOwner()) return Promise.reject(lifecycleRefusal('close'))
    if (this._closedSync) return Promise.resolve(this._closedSync)
    return (this._closing ??= closeRun(this))
  }

  _runState(exitCode: number | undefined): RunState {
    const kept = this._log.kept()
    return {
      config: this.config,
      startedAt: this._startedAt,
      argv: process.argv.slice(2),
      // the newest records only (command-log.ts); how many older ones were left out
      commands: kept.commands,
      commandsDropped: kept.dropped,
      commandTotals: this._log.totals,
      tracer: this._tracer,
      memory: this.memory,
      cache: this._cache?.stats(),
      pools: this._poolStats(),
      monitor: this._monitor,
      exitCode,
      warnings: this._warn.said,
    }
  }

  /** The pools' stats, and the worker tasks' as pool 'workers' once perf.workers was used. */
  private _poolStats(): PoolStats[] {
    const pools = this._pools?.stats() ?? []
    return this._workers === undefined ? pools : [...pools, this._workers.stats()]
  }

  private _metricsSources() {
    return {
      cache: () => this._cache!.stats(),
      pools: () => this._poolStats(),
      commandTotals: () => this._log.totals,
      budgetBreaches: () => this._breaches,
      lastSample: () => this._monitor?.last,
    }
  }
}

