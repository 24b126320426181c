/**
 * How a perf instance's run ends: once, on whichever path gets there first. close(): sampling
 * halted, the commands in flight recorded, the report and history written (budgets judged), the
 * OpenTelemetry export, `report`, closed, `exit`, then the cache and workers closed. The process's
 * exit (exit.ts's handlers: a signal, process.exit(), a fatal error, the loop's end): the report
 * written synchronously and `report`/`exit` fired without awaiting; a close() under way keeps what
 * it wrote. Each of `report` and `exit` fires once, whichever path fires it. Functions over the
 * instance's fields (perf.ts), as command-runs.ts: nothing more for the start script to hold.
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import { errorMessage } from '../errors.js'
import type { CacheManager, RunState, RuntimeContext, WarnOnce } from './_internal.js'
import { exitError, loopEmptiedError } from './command-exit-errors.js'
import { record, type CommandsHost } from './command-runs.js'
import { releaseCurrent } from './current.js'
import type { ExitHandlers, Fatal } from './exit.js'
import type { MonitorImpl } from './monitors/index.js'
import { finalizeReport, finalizeReportSync } from './report/finalize.js'
import { closingExitCode, recordExitCode, releaseExit } from './report/exit-code.js'
import type { PerfMetrics, PerfReport, PerfWorkers } from './types.js'

/** What the end of the run uses of its perf instance. */
export interface RunEndHost extends CommandsHost {
  readonly config: ResolvedPerfConfig
  readonly memory: CommandsHost['memory'] & { leakWarning(): string | undefined }
  closed: boolean
  readonly _ctx: RuntimeContext
  readonly _warn: WarnOnce
  readonly _monitor: MonitorImpl | undefined
  /** The monitors' start under way (createPerf, a command or address() began it): close waits for it. */
  readonly _monitorStart: Promise<void> | undefined
  readonly _cache: CacheManager | undefined
  readonly _workers: PerfWorkers | undefined
  /** The user metrics' registry, once perf.metrics was used: exported to OpenTelemetry at close. */
  readonly _metrics: PerfMetrics | undefined
  readonly _uninstallExit: ExitHandlers | undefined
  _closing: Promise<PerfReport> | undefined
  _closedSync: PerfReport | undefined
  /** The run state close() is finalizing (the exit path checks what it has written). */
  _closingState: RunState | undefined
  /** Each fires once, whichever path (close() or the exit handler) gets there first. */
  readonly _fired: { report: boolean; exit: boolean }
  /** Work left for once the run is closed (a stale plugin bundle's rebuild: plugins.ts). */
  _afterClose: (() => void | Promise<void>) | undefined
  /** Everything the report is built from, with the exit code known now. */
  _runState(exitCode: number | undefined): RunState
}

/** What perf.close() runs, once (perf.ts keeps the promise; refuses a plugin's call; after the exit path, gives its report). */
export async function closeRun(perf: RunEndHost): Promise<PerfReport> {
  // monitors an adapter's run never started (a --help) do not start now; a start under way is
  // finished, so its exporters close as usual (the textfile's last text, the push)
  if (perf._monitorStart !== undefined) await perf._monitorStart
  // sampling stops before the report; the last textfile write / push waits until the budgets
  // are judged, so *_budget_breaches_total in it counts this run's breaches
  perf._monitor?.halt()
  const leak = perf.memory.leakWarning()
  if (leak) perf._warn('memory-leak', leak)
  // the exit code the process has now, if it has one (a host's process.exitCode, or the one an
  // adapter is about to exit with): the report and history record it
  const exitCode = closingExitCode()
  // commands still running (a service closing with requests in flight): recorded up to now, as the
  // exit path records them with a clean exit; they still finish and return to their callers
  for (const flight of perf._inFlight) {
    perf._inFlight.delete(flight)
    // perf.close() in a host's 'beforeExit' listener: a command the emptied loop left behind failed
    const failure = flight.stalled ? loopEmptiedError() : undefined
    if (failure) await perf.hooks.emit('command:error', flight.ctx, failure)
    await perf.hooks.emit('command:after', flight.ctx, record(perf, flight, failure ? 'error' : 'ok', failure))
  }
  const state = (perf._closingState = perf._runState(exitCode))
  const report = await finalizeReport(state, perf._ctx)
  await perf._monitor?.stop()
  if (perf.config.monitors.opentelemetry) {
    try {
      const { exportToOpenTelemetry } = await import('./otel.js')
      await exportToOpenTelemetry(report, perf.config, perf._metrics)
    } catch (error) {
      perf._warn('otel', `OpenTelemetry export failed: ${errorMessage(error)}`)
    }
  }
  if (fire(perf, 'report')) await perf.hooks.emit('report', report)
  // Mark closed before 'exit' listeners run, so a process.exit() inside one does not report twice.
  perf.closed = true
  // an adapter's close (closeExpecting) hands its listeners on to the exit code's follow-up, which
  // keeps them (report/exit-code.ts); any other close removes them
  releaseExit(perf, perf._uninstallExit)
  perf._loopEnd.stop()
  if (fire(perf, 'exit')) await perf.hooks.emit('exit', report)
  await Promise.allSettled([perf._cache?.close(), perf._workers?.close()])
  await afterClose(perf)
  // a closed instance is no longer "current": nothing keeps it (and its memory tiers) alive;
  // the one it replaced, if still open, is current again
  releaseCurrent(perf)
  return report
}

/** The process is exiting: write the report synchronously, fire report/exit once. */
export function closeRunSync(perf: RunEndHost, exitCode: number, fatal?: Fatal): void {
  if (perf.closed) {
    // closed at the end of the loop (a pushgateway's run) with 0: node may exit with 13 after all
    if (perf._closedSync) recordExitCode(perf._closedSync, exitCode)
    return
  }
  perf.closed = true
  perf._monitor?.halt()
  // perf.close() was under way (a process.exit() in a report or budget:exceeded listener, a
  // signal): what it wrote stands, one history line per run; otherwise it writes nothing more
  let report = perf._closingState?.written
  if (perf._closingState) perf._closingState.abandoned = true
  // written with the code known then (none, or 0): the one the process exits with replaces it
  if (report) recordExitCode(report, exitCode)
  else {
    // commands cut short by process.exit(), a fatal error or a signal: recorded as they stand,
    // an error unless the process exits with 0: the uncaught error itself when that is what
    // ends the process, else an ExitError naming the code (and an uncaught error a host listener
    // survived); a command the event loop emptied under (a promise that never settles, exit code
    // 0, or 13 under a top-level await) is a LoopEmptiedError
    let cutShort = exitCode !== 0
    for (const flight of perf._inFlight) {
      perf._inFlight.delete(flight)
      if (flight.stalled) cutShort = true
      const failure = fatal && !fatal.survived && exitCode !== 0 ? fatal.error
        : flight.stalled ? loopEmptiedError()
        : exitCode === 0 ? undefined : exitError(exitCode, fatal?.error)
      if (failure) perf.hooks.emit('command:error', flight.ctx, failure)
      perf.hooks.emit('command:after', flight.ctx, record(perf, flight, failure ? 'error' : 'ok', failure))
    }
    // the spans open now (the one process.exit() was called in, its parents): recorded as they stand
    perf._tracer.endOpen(!cutShort)
    report = finalizeReportSync(perf._runState(exitCode), perf._ctx)
  }
  // its synchronous part (the textfile) lands now, with the breaches counted
  perf._monitor?.stop().catch(() => {})
  perf._closedSync = report
  if (fire(perf, 'report')) perf.hooks.emit('report', report)
  if (fire(perf, 'exit')) perf.hooks.emit('exit', report)
  // synchronous when its module is loaded (plugin-bundle.ts loads it as it asks): the process is ending
  void afterClose(perf)
}

/** The work left for once the run is closed (a stale plugin bundle's rebuild), once; never throws. */
async function afterClose(perf: RunEndHost): Promise<void> {
  const task = perf._afterClose
  perf._afterClose = undefined
  try { await task?.() } catch { /* the next run tries again */ }
}

/** True the first time a closing hook is asked for. */
function fire(perf: RunEndHost, name: 'report' | 'exit'): boolean {
  if (perf._fired[name]) return false
  return (perf._fired[name] = true)
}
