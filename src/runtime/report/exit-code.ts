/**
 * The exit code a run records follows the one the process really exits with. A CLI's run is closed
 * (report.json and its history line written) before the process ends, and what ends it can come
 * later and set another code: citty's own `runMain` exits 1 after its cleanup closed perf, an error
 * rethrown from commander's `parseAsync()` ends the process with 1 as an uncaught error, a timer of
 * the host calls `process.exit(5)` after the action returned. The adapters hand the report they
 * closed to {@link followExitCode}: the exit listeners (exit.ts, one set per process) compare the
 * codes (two numbers: the usual exit costs nothing more) and, when they differ, rewrite report.json's
 * `exitCode` and the run's history line, synchronously, and note the code for `report.historyDriver`'s
 * entry, which the next run of this machine sets (history-driver-pending.ts). The `report`/`exit`
 * hooks got the code known at close.
 */
import type { PerfReport } from '../types.js'
import type { HistoryEntry } from './history.js'
import { rewriteExitCode } from './exit-code-rewrite.js'
import { installExitHandlers, type ExitHandlers, type OnExit } from '../exit.js'

/**
 * Where each written report's run is: its history line (runId), set when finalize wrote it, and the
 * entry it writes to `report.historyDriver` (`driverWritten` once there).
 */
export interface WrittenRun { runId: string; driverEntry?: HistoryEntry; driverWritten?: boolean }
const historyRuns = new WeakMap<PerfReport, WrittenRun>()

export function rememberHistoryRun(report: PerfReport, run: WrittenRun): void {
  historyRuns.set(report, run)
}

/**
 * Records `exitCode` as the run's code where `report` was written, when it recorded another (or
 * none): report.json (when it is still this run's: a later run may have replaced it) and the run's
 * history line. Synchronous; failures are said on stderr, never thrown (the process is exiting).
 * The rewrite is a deferred module (exit-code-rewrite.ts): the usual exit, with the code recorded
 * at close, loads none of it.
 */
export function recordExitCode(report: PerfReport, exitCode: number): void {
  const run = historyRuns.get(report)
  // the process exits while the run's entry is being written to report.historyDriver: noted whole
  const unsent = run?.driverEntry !== undefined && !run.driverWritten
  const changed = report.exitCode !== exitCode
  if (!changed && !unsent) return
  report.exitCode = exitCode
  if (report.files) rewriteExitCode(report, exitCode, run, changed)
}


let expected: number | undefined
/** The perf instance closeExpecting is closing, and the exit listeners its close handed on (releaseExit). */
let closing: object | undefined
let parked: ExitHandlers | undefined

/**
 * perf.close(), recording `code` as the run's exit code when process.exitCode is unset: the code an
 * adapter's run ends with unless the host sets one (0 for a success). process.exitCode itself is not
 * set: 0 there would hide node's own code for what follows (13 for a top-level await that never
 * settles) and change what the host sees.
 */
export async function closeExpecting(perf: { close(): Promise<PerfReport> }, code: number | undefined): Promise<PerfReport> {
  expected = code
  closing = perf
  try {
    return await perf.close()
  } catch (error) {
    // no follow-up: the listeners its close handed on are removed, as a close removes them
    parked?.()
    parked = undefined
    throw error
  } finally {
    expected = undefined
    closing = undefined
  }
}

/**
 * The exit listeners of a closed `perf`: removed; or, when closeExpecting is closing it, kept doing
 * nothing (as none: a signal still ends the process, re-raised) for followExitCode to give the
 * run's report (one set per process: removing them and installing another was ≈ 3 kB of young
 * generation at every CLI's close).
 */
export function releaseExit(perf: object, set: ExitHandlers | undefined): void {
  if (perf === closing && !parked && set?.retarget(() => {}, true)) parked = set
  else set?.()
}

/** The exit code close() records (perf.ts): process.exitCode, else the one closeExpecting() gave. */
export function closingExitCode(): number | undefined {
  return process.exitCode === undefined ? expected : Number(process.exitCode) || 0
}

let unfollow: (() => void) | undefined
/** The last run handed to followExitCode, and how many runs were (one run's close may come twice). */
let lastFollowed: PerfReport | undefined
let runsClosed = 0

/**
 * From now on until the process exits, the run `report` closed is the one the process's exit code
 * belongs to: at exit, a code other than the one it recorded is written over it; a SIGINT, SIGTERM
 * or SIGHUP the host does not handle is recorded as 128 + n, and the process still dies of it
 * (exit.ts). Only for the process's own command: `commandLine` (the run parsed the process's own
 * arguments, not ones a test or a REPL handed to runMain()/parseAsync()) and the first run of the
 * process. A test runner or a REPL host running the CLI in-process (several runs, or arguments of
 * its own) exits with a code of its own, not its last run's: that run keeps the code it closed with.
 */
export function followExitCode(report: PerfReport, commandLine: boolean): void {
  unfollow?.()
  unfollow = undefined
  const kept = parked
  parked = undefined
  if (report !== lastFollowed) {
    lastFollowed = report
    runsClosed++
  }
  if (!commandLine || runsClosed > 1) return kept?.()
  const follow: OnExit = code => {
    unfollow = undefined
    // exit.ts hands the code the process exits with (exitingCode), or 128 + n for a signal
    recordExitCode(report, code)
  }
  // the close's own listeners when it handed them on (unless they have run: the process is ending)
  if (!kept) unfollow = installExitHandlers(follow)
  else if (kept.retarget(follow)) unfollow = kept
}
