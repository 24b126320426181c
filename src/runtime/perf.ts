/**
 * createPerf: load the config, wire hooks, plugins, cache, pools, monitors and reports into one
 * instance, and run the command lifecycle:
 * createPerf → config:resolved → plugins → perf:ready → run(): command:before → fn →
 * command:after | command:error → close(): budgets, reports → report → exit (once, on every path).
 */
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../config/types.js'
import { loadPerfConfigLayers } from '../config/load.js'
import { PluginError, errorMessage } from '../errors.js'
import { lifecycleRefusal } from '../hooks/plugin-hooks.js'
import { setupPlugins } from '../hooks/plugins.js'
import { warnUnmatchedPluginNamespaces } from '../hooks/plugin-namespaces.js'
import { createHookRegistry, type PerfHookRegistryImpl } from '../hooks/registry.js'
import { unknownHookMessage } from '../hooks/unknown-hook.js'
import type { CommandContext, CommandResult, PerfHookName, PerfHooks } from '../hooks/types.js'
import type { CacheManager, PoolManager, RunState, RuntimeContext, Tracer, WarnOnce } from './_internal.js'
import { now } from './clock.js'
import { ExitError, LoopEmptiedError, errorSummary, type InFlight } from './command-record.js'
import { CommandLog } from './command-log.js'
import { LoopEndWatch } from './loop-end.js'
import { makeCurrent, releaseCurrent } from './current.js'
import { installExitHandlers, type Fatal } from './exit.js'
import { createMemoryTracker } from './memory.js'
import type { MonitorImpl } from './monitors/index.js'
import { createMetricsRegistry } from './metrics/registry.js'
import { createPoolManager } from './pool.js'
import { createLazyCacheManager } from './cache/lazy.js'
import { finalizeReport, finalizeReportSync } from './report/finalize.js'
import { closingExitCode, recordExitCode } from './report/exit-code.js'
import { createTracer } from './span.js'
import { graphOptionsError, markNameError, poolNameError, runFnError, runNameError, spanInputError } from './input-errors.js'
import { isName, plainGraphOptions } from './input-checks.js'
import type {
  CreatePerfOptions, GraphOptions, GraphResult, GraphTask, Perf, PerfCache,
  PerfMetrics, PerfMonitors, PerfPool, PerfReport, PerfWorkers, ReportWarning, RunOptions,
} from './types.js'
import { createWarnOnce, redact } from './warn.js'
import { createWorkers } from './workers.js'

export async function createPerf(options: CreatePerfOptions = {}): Promise<Perf> {
  const startedAt = Date.now()
  const tracer = createTracer()
  tracer.mark('config')
  const loaded = await loadPerfConfigLayers(options)
  const perf = new PerfInstance(loaded.config, tracer, startedAt, options)
  // current while it is set up: a plugin's setup() or a config:resolved listener may call getPerf()
  makeCurrent(perf)
  try {
    await perf._init()
  } catch (error) {
    releaseCurrent(perf)
    throw error
  }
  return perf
}

class PerfInstance implements Perf {
  readonly hooks: PerfHookRegistryImpl = createHookRegistry()
  readonly memory: ReturnType<typeof createMemoryTracker>
  private readonly _warn: WarnOnce & { seen: Set<string>; said: ReportWarning[] }
  private readonly _ctx: RuntimeContext
  private _cache: CacheManager | undefined
  private _pools: PoolManager | undefined
  private _workers: PerfWorkers | undefined
  private _metrics: PerfMetrics | undefined
  private _monitor: MonitorImpl | undefined
  private readonly _inFlight = new Set<InFlight>()
  private readonly _log: CommandLog
  private _closing: Promise<PerfReport> | undefined
  private _closedSync: PerfReport | undefined
  /** The run state perf.close() is finalizing (the exit path checks what it has written). */
  private _closingState: RunState | undefined
  /** Each fires once, whichever path (close() or the exit handler) gets there first. */
  private readonly _fired = { report: false, exit: false }
  private _uninstallExit: (() => void) | undefined
  /** 'beforeExit' while commands run or a pool exists: a stalled pool named, the commands running marked (loop-end.ts). */
  private readonly _loopEnd = new LoopEndWatch(() => {
    this._pools?.warnStalled()
    this._markStalled()
  }, () => this._uninstallExit !== undefined && !this.closed)
  private _breaches = 0
  closed = false

  constructor(
    readonly config: ResolvedPerfConfig,
    private readonly _tracer: Tracer,
    private readonly _startedAt: number,
    private readonly _options: CreatePerfOptions,
  ) {
    this._warn = createWarnOnce()
    this.hooks.onListenerError = (name, error) => this._warn(`hook-error:${name}`, `a '${name}' hook listener threw: ${errorMessage(error)}`)
    // a typo ('command:aftr') registered a listener that never ran, silently
    this.hooks.onUnknownName = name => { if (!this._warn.seen.has(`unknown-hook:${name}`)) this._warn(`unknown-hook:${name}`, unknownHookMessage(name)) }
    this._ctx = { config, hooks: this.hooks, warn: this._warn }
    this.memory = createMemoryTracker()
    this._log = new CommandLog(name => Object.hasOwn(config.budgets.commands, name), this._warn)
  }

  async _init(): Promise<void> {
    const { config, hooks } = this
    // Config hooks: registered before anything fires.
    for (const [name, fn] of Object.entries(config.hooks)) {
      if (typeof fn === 'function') hooks.hook(name as PerfHookName, fn as PerfHooks[PerfHookName])
    }
    hooks.hook('budget:exceeded', () => { this._breaches++ })
    // `perf.cache` is sync, but the cache code is imported on the first cache operation.
    const cache = createLazyCacheManager(this._ctx, async () => {
      // file hashes (wrap({ files }), invalidate.files) keep their stat memo in this CLI's cache dir
      if (process.env.UNPERF_FILE_HASH_MEMO !== undefined) return
      const { setFileHashMemoDir } = await import('./cache/file-hash.js')
      setFileHashMemoDir(join(config.cache.dir, 'file-hash'))
    })
    this._cache = cache
    if (config.plugins.length === 0) await hooks.emit('config:resolved', config)

    this._tracer.mark('plugins')
    // the plugins' own hooks are registered before config:resolved fires, their setup() after
    const plugins = config.plugins.length === 0 ? [] : await setupPlugins(config.plugins, {
      perf: this, hooks, cache, rootDir: config.rootDir, warn: this._warn,
      report: error => this._reportPluginError(error),
    }, () => hooks.emit('config:resolved', config))
    // cache.namespaces['plugin:<name>'] whose plugin is not loaded: warned (its module loads only with such a key)
    if (Object.keys(config.cache.namespaces).some(name => name.startsWith('plugin:'))) warnUnmatchedPluginNamespaces(config.cache.namespaces, plugins, this._warn)
    this._tracer.mark('ready')
    if (!this._options.noExitHandlers) {
      // The push to a pushgateway is asynchronous: the 'exit' path could only start it. So with one,
      // the natural end of the event loop, close() not called, closes the run as 'exit' would
      // (report, budgets, report/exit hooks) and the push it starts finishes: its socket holds the
      // process until the answer or its timeout. 'beforeExit' fires again then: closed, a no-op.
      const prom = config.monitors.enabled && config.monitors.prometheus
      const endOfLoop = prom && 'pushgateway' in prom
        ? (code: number) => { if (!this.closed && !this._closing) { this._markStalled(); this._closeSync(code) } }
        : undefined
      this._uninstallExit = installExitHandlers((code, _signal, fatal) => this._closeSync(code, fatal), endOfLoop)
    }
    if (config.monitors.enabled) {
      const { startMonitors } = await import('./monitors/index.js')
      this._monitor = startMonitors(this._ctx, this.metrics, this._metricsSources())
    }
    await hooks.emit('perf:ready', this)
  }

  get cache(): PerfCache {
    return this._cache!.root
  }

  get monitors(): PerfMonitors | undefined {
    const monitor = this._monitor
    if (monitor === undefined) return undefined
    const server = monitor.server
    return { prometheus: server && { address: () => server.address() } }
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

  graph(tasks: Record<string, GraphTask>, options: GraphOptions = {}): Promise<GraphResult> {
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
      return runGraph(tasks, pool, { signal: options.signal, stopOnError: options.stopOnError, tracer: this._tracer, parent })
    })
  }

  run<T>(name: string, fn: (ctx: CommandContext) => Promise<T> | T, options: RunOptions = {}): Promise<T> {
    // called from a plugin's code (ctx.perf, getPerf()), also after an await of its async listener: refused
    if (this.hooks.currentOwner()) return Promise.reject(lifecycleRefusal('run'))
    // a command's name keys its budgets, history and metrics series: '' (command="") or a non-string is a caller's slip
    if (!isName(name) || typeof fn !== 'function') return Promise.reject(runNameError(name) ?? runFnError(name, fn))
    // spans started during this command belong to it; the first command also ends startup
    return this._tracer.command(name, async (run) => {
      const start = now()
      const ctx: CommandContext = { name, argv: options.argv ?? process.argv.slice(2), startTime: start, perf: this, data: {} }
      const flight: InFlight = { ctx, run, stopPeak: this.memory.trackPeak(), rssStart: this.memory.lastRss }
      // a process.exit() or a fatal error inside fn skips the finally below: _closeSync records it
      this._inFlight.add(flight)
      this._loopEnd.commandStarted()
      await this.hooks.emit('command:before', ctx)
      let status: CommandResult['status'] = 'ok'
      let failure: unknown
      try {
        return await fn(ctx)
      } catch (error) {
        status = 'error'
        failure = error
        await this.hooks.emit('command:error', ctx, error)
        throw error
      } finally {
        // already recorded when the exit handler ran while the command was running
        if (this._inFlight.delete(flight)) {
          if (this._inFlight.size === 0) this._loopEnd.idle()
          await this.hooks.emit('command:after', ctx, this._record(flight, status, failure))
        }
      }
    })
  }

  /** The event loop emptied: the commands running now can never finish. */
  private _markStalled(): void {
    for (const flight of this._inFlight) flight.stalled = true
  }

  /** Record one finished run of a command; the result `command:after` gets. */
  private _record({ ctx, run, stopPeak, rssStart }: InFlight, status: CommandResult['status'], failure: unknown): CommandResult {
    const { name, startTime: start } = ctx
    const memoryPeak = stopPeak()
    const result: CommandResult = {
      name, status, duration: now() - start,
      memoryDelta: this.memory.lastRss - rssStart, memoryPeak,
      ...(status === 'error' && { error: failure }),
    }
    this._log.add({
      // the name as report.json, history, metrics labels and OTel record it: a credential in it
      // (`perf.run(\`GET ${url}\`)` with a token in the url) redacted, as in error messages
      name: redact(name), run, status, start, duration: result.duration, memoryDelta: result.memoryDelta, memoryPeak,
      ...(failure !== undefined && { error: errorSummary(failure) }),
    })
    return result
  }

  close(): Promise<PerfReport> {
    if (this.hooks.currentOwner()) return Promise.reject(lifecycleRefusal('close'))
    if (this._closedSync) return Promise.resolve(this._closedSync)
    return (this._closing ??= this._close())
  }

  private async _close(): Promise<PerfReport> {
    // sampling stops before the report; the last textfile write / push waits until the budgets
    // are judged, so *_budget_breaches_total in it counts this run's breaches
    this._monitor?.halt()
    const leak = this.memory.leakWarning()
    if (leak) this._warn('memory-leak', leak)
    // the exit code the process has now, if it has one (a host's process.exitCode, or the one an
    // adapter is about to exit with): the report and history record it
    const exitCode = closingExitCode()
    // commands still running (a service closing with requests in flight): recorded up to now, as the
    // exit path records them with a clean exit; they still finish and return to their callers
    for (const flight of this._inFlight) {
      this._inFlight.delete(flight)
      // perf.close() in a host's 'beforeExit' listener: a command the emptied loop left behind failed
      const failure = flight.stalled ? new LoopEmptiedError() : undefined
      if (failure) await this.hooks.emit('command:error', flight.ctx, failure)
      await this.hooks.emit('command:after', flight.ctx, this._record(flight, failure ? 'error' : 'ok', failure))
    }
    const state = (this._closingState = this._runState(exitCode))
    const report = await finalizeReport(state, this._ctx)
    await this._monitor?.stop()
    if (this.config.monitors.opentelemetry) {
      try {
        const { exportToOpenTelemetry } = await import('./otel.js')
        await exportToOpenTelemetry(report, this.config)
      } catch (error) {
        this._warn('otel', `OpenTelemetry export failed: ${errorMessage(error)}`)
      }
    }
    if (this._fire('report')) await this.hooks.emit('report', report)
    // Mark closed before 'exit' listeners run, so a process.exit() inside one does not report twice.
    this.closed = true
    this._uninstallExit?.()
    this._loopEnd.stop()
    if (this._fire('exit')) await this.hooks.emit('exit', report)
    await Promise.allSettled([this._cache?.close(), this._workers?.close()])
    // a closed instance is no longer "current": nothing keeps it (and its memory tiers) alive;
    // the one it replaced, if still open, is current again
    releaseCurrent(this)
    return report
  }

  /** The process is exiting: write the report synchronously, fire report/exit once. */
  private _closeSync(exitCode: number, fatal?: Fatal): void {
    if (this.closed) return
    this.closed = true
    this._monitor?.halt()
    // perf.close() was under way (a process.exit() in a report or budget:exceeded listener, a
    // signal): what it wrote stands, one history line per run; otherwise it writes nothing more
    let report = this._closingState?.written
    if (this._closingState) this._closingState.abandoned = true
    // written with the code known then (none, or 0): the one the process exits with replaces it
    if (report) recordExitCode(report, exitCode)
    else {
      // commands cut short by process.exit(), a fatal error or a signal: recorded as they stand,
      // an error unless the process exits with 0: the uncaught error itself when that is what
      // ends the process, else an ExitError naming the code (and an uncaught error a host listener
      // survived); a command the event loop emptied under (a promise that never settles, exit code
      // 0, or 13 under a top-level await) is a LoopEmptiedError
      for (const flight of this._inFlight) {
        this._inFlight.delete(flight)
        const failure = fatal && !fatal.survived && exitCode !== 0 ? fatal.error
          : flight.stalled ? new LoopEmptiedError()
          : exitCode === 0 ? undefined : new ExitError(exitCode, fatal?.error)
        if (failure) this.hooks.emit('command:error', flight.ctx, failure)
        this.hooks.emit('command:after', flight.ctx, this._record(flight, failure ? 'error' : 'ok', failure))
      }
      report = finalizeReportSync(this._runState(exitCode), this._ctx)
    }
    // its synchronous part (the textfile) lands now, with the breaches counted
    this._monitor?.stop().catch(() => {})
    this._closedSync = report
    if (this._fire('report')) this.hooks.emit('report', report)
    if (this._fire('exit')) this.hooks.emit('exit', report)
  }

  /** True the first time a closing hook is asked for. */
  private _fire(name: 'report' | 'exit'): boolean {
    if (this._fired[name]) return false
    return (this._fired[name] = true)
  }

  private _runState(exitCode: number | undefined): RunState {
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
      pools: this._pools?.stats() ?? [],
      monitor: this._monitor,
      exitCode,
      warnings: this._warn.said,
    }
  }

  private _metricsSources() {
    return {
      cache: () => this._cache!.stats(),
      pools: () => this._pools?.stats() ?? [],
      commandTotals: () => this._log.totals,
      budgetBreaches: () => this._breaches,
      lastSample: () => this._monitor?.last,
    }
  }

  private _reportPluginError(error: PluginError): void {
    this._warn(`plugin:${error.plugin}:${error.hook}`, errorMessage(error), { plugin: error.plugin, ...(error.file !== undefined && { file: error.file }), ...(error.path !== undefined && { path: error.path }) })
  }
}

