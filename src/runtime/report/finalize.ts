/**
 * The end of a run: build the report, judge the budgets (history-based p95 and regressions
 * included), write report.json, trace.json (Chrome Trace Event Format) and a history line,
 * and print the summary. `finalizeReportSync` does the same without awaiting anything, for the
 * process 'exit' handler; only the `historyDriver` copy needs the async path.
 */
import { chmodSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { RunState, RuntimeContext } from '../_internal.js'
import type { BudgetBreach, PerfReport } from '../types.js'
import { redactArgv } from '../warn.js'
import { isoTime } from '../iso-time.js'
import { writeFileAtomicSync } from '../write-file-atomic.js'
import { makeDirSync } from '../make-dir.js'
import { evaluateBudgets, historyNeeded } from './budgets.js'
import { renderSummary } from './console.js'
import { writeOwnStderr } from './own-stderr.js'
import { annotateBreaches } from './github-annotations.js'
import { appendHistory, HISTORY_FILE, historyEntry, readHistoryFile, type HistoryEntry, type HistoryFileState } from './history.js'
import { readNewestHistory } from './history-tail.js'
import { judgeFromSummary, type PriorDurations } from './history-summary.js'
import { emptyCacheStats } from '../cache/names.js'
import { OVERFLOW_COMMAND } from '../metrics/command-totals.js'
import { commandStats, overflowStats } from '../metrics/command-stats.js'
import { errorMessage, PerfError } from '../../errors.js'
import { dirUnsafeSync } from '../../drivers/fs-safety.js'
import { reportDirs } from '../project.js'
import { nestMainTrack } from './trace-tracks.js'
import { traceEvents } from '../span-trace.js'
import { reportWriteFailed as writeFailed, unsafeReadMessage } from '../unwritable-warning.js'
import { rememberHistoryRun } from './exit-code.js'
import { noteUnsentRun } from './exit-code-rewrite.js'

export function buildReport(state: RunState): PerfReport {
  const { config, tracer, memory } = state
  const phases = tracer.phases()
  return {
    schemaVersion: 1,
    name: config.name,
    version: config.version,
    env: config.env,
    pid: process.pid,
    startedAt: isoTime(state.startedAt),
    endedAt: isoTime(Date.now()),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    argv: redactArgv(state.argv),
    ...(state.exitCode !== undefined && { exitCode: state.exitCode }),
    startup: { total: tracer.startupEnd ?? phases.reduce((a, p) => a + p.duration, 0), phases },
    commands: state.commands,
    ...(state.commandsDropped > 0 && { commandsDropped: state.commandsDropped }),
    // `commands` misses older runs: the budgets judge every run by these
    ...(state.commandsDropped > 0 && state.commandTotals && { commandStats: commandStats(state.commandTotals) }),
    ...(state.commandTotals?.has(OVERFLOW_COMMAND) && { commandStatsOverflow: overflowStats(state.commandTotals) }),
    spans: tracer.records(),
    ...(tracer.dropped > 0 && { spansDropped: tracer.dropped }),
    cache: { ...(state.cache ?? { ...emptyCacheStats(), namespaces: {} }), ...(!config.cache.enabled && { enabled: false as const }) },
    memory: { peakRss: Math.max(memory.peakRss, ...state.commands.map(c => c.memoryPeak)), snapshots: memory.snapshots(), trend: memory.trend() },
    pools: state.pools,
    budgets: [],
    alerts: state.monitor?.alerts() ?? [],
    ...(state.warnings && state.warnings.length > 0 && { warnings: [...state.warnings] }),
    ...(state.monitor && { monitor: { samples: state.monitor.samples, ...(state.monitor.last && { last: state.monitor.last }) } }),
  }
}

export async function finalizeReport(state: RunState, ctx: RuntimeContext): Promise<PerfReport> {
  const report = buildReport(state)
  const local = readHistoryForJudging(report, ctx, sharesHistory(ctx))
  let history = local.entries
  // the shared history (a tier over redis, fs, ...) and its drivers load only when configured
  const driver = sharesHistory(ctx) ? await import('./history-driver.js') : undefined
  // a driver that could not be read is not written either: a hung redis cost the run its bound
  // (2 s) twice, on every CI machine, for a write that fails the same way
  let unread = false
  if (driver) {
    // runs, not the summary's durations: readHistoryForJudging was asked for them
    history = await driver.withDriverHistory(ctx.config, history as HistoryEntry[], message => {
      unread = true
      ctx.warn('history-driver', `${message}; this run is not added to it`)
    })
  }
  // the process exited meanwhile (a signal whose host listeners kept it alive): written already
  if (state.abandoned) return report
  const entry = judgeAndWrite(report, history, local.file, state, ctx)
  state.written = report
  if (driver && entry && !unread) {
    // an exit meanwhile (a host timer's process.exit()) notes the entry for the next run
    rememberHistoryRun(report, { runId: entry.runId, driverEntry: entry })
    try {
      await driver.appendDriverHistory(ctx.config, entry)
      rememberHistoryRun(report, { runId: entry.runId, driverEntry: entry, driverWritten: true })
    } catch (error) {
      rememberHistoryRun(report, { runId: entry.runId })
      ctx.warn('history-driver-write', `report.historyDriver could not be written (${errorMessage(error)})`)
    }
  }
  for (const b of report.budgets) if (b.status === 'fail') await ctx.hooks.emit('budget:exceeded', b as BudgetBreach) // judge() and file-budgets.ts give a failure its actual and limit
  print(report, ctx.config)
  return report
}

export function finalizeReportSync(state: RunState, ctx: RuntimeContext): PerfReport {
  const report = buildReport(state)
  const local = readHistoryForJudging(report, ctx, false)
  const entry = judgeAndWrite(report, local.entries, local.file, state, ctx)
  // no network write at exit: the next run of this machine adds it to the shared history
  if (entry && sharesHistory(ctx)) noteUnsentRun(ctx.config.report.dir, entry)
  for (const b of report.budgets) if (b.status === 'fail') ctx.hooks.emit('budget:exceeded', b as BudgetBreach)
  print(report, ctx.config)
  return report
}

// --- internal ---

/**
 * The run goes to the shared history too (`report.historyDriver`). Not with `history: 0`, which keeps
 * no runs: the shared store is left alone (trimmed to 0, it lost every machine's runs).
 */
function sharesHistory(ctx: RuntimeContext): boolean {
  return ctx.config.report.historyDriver !== undefined && ctx.config.report.history > 0
}

/**
 * The local history as far as judging this run needs it (the newest runs of its commands, or all),
 * as the prior durations of history-summary.bin when it stands for the file and `runs` (the history
 * merged with a shared one) is not asked for;
 * `file` what was seen of the file, undefined when it was not read: a report dir someone else could
 * write to (their planted lines would decide the budgets) is skipped with a warning, and the run is
 * judged without it. Its check (1–3 stats) stands for the write's when it passes.
 */
function readHistoryForJudging(report: PerfReport, ctx: RuntimeContext, runs: boolean): { entries: HistoryEntry[] | PriorDurations; file?: HistoryFileState } {
  const { config } = ctx
  // `history: 0` keeps no runs: none read (a history file there is left as it is), no regression
  // judged (nothing to judge against), a p95 over this run's own; no prior durations (a Map, as the
  // summary's: no deferred module loaded for an empty list of runs)
  if (config.report.history === 0) return { entries: new Map() }
  const unsafe = reportDirUnsafe(config)
  if (unsafe) {
    // said when there is a history to leave out (a dir of the user's own made by hand under umask
    // 002, empty, is made 0700 by the write below without a word)
    if (existsSync(join(config.report.dir, HISTORY_FILE))) ctx.warn('report-dir-unsafe-read', `${unsafeReadMessage(unsafe)}: the budgets are judged without its history`)
    return { entries: [] }
  }
  const need = historyNeeded(report, config)
  const summary = runs ? undefined : judgeFromSummary(config, report, need)
  if (summary) return summary
  const { entries, ...file } = need === 'all' ? readHistoryFile(config) : readNewestHistory(config, need)
  return { entries, file }
}

/** Why report.dir (or a parent up to the cache root) is not to be read from or written to, else undefined. */
export function reportDirUnsafe(config: ResolvedPerfConfig): string | undefined {
  return dirUnsafeSync(reportDirs(config))
}

/** `local`: what readHistoryForJudging saw of the history file (it checked the dir), undefined when it did not read it. */
function judgeAndWrite(report: PerfReport, history: HistoryEntry[] | PriorDurations, local: HistoryFileState | undefined, state: RunState, ctx: RuntimeContext): HistoryEntry | undefined {
  const { config } = ctx
  try {
    report.budgets = evaluateBudgets(report, config, history, true)
  } catch (error) {
    ctx.warn('budgets', `budgets could not be evaluated: ${errorMessage(error)}`)
  }
  if (config.budgets.mode === 'error' && report.budgets.some(b => b.status === 'fail') && !process.exitCode) {
    process.exitCode = 1
    // known from now on (the exit handler passes 0, perf.close() nothing); a signal's stays
    if (state.exitCode === 0 || state.exitCode === undefined) report.exitCode = 1
  }
  // what was written: claimed in report.files (the summary's `report:` line) only once it is
  // there, so a failed write is told by its warning alone, never by a path that holds nothing
  const written: NonNullable<PerfReport['files']> = {}
  try {
    const dir = config.report.dir
    // never into a dir someone else could write to (a shared XDG_CACHE_HOME): they could plant
    // `history.jsonl -> ~/.bashrc` or rewrite the history the budgets judge by; the report dir
    // itself, when the user's own, is made 0700 instead. 1–3 stats on exit, made by the read when
    // it passed (a history read a moment ago from a dir found safe)
    const unsafe = local ? undefined : dirUnsafeSync(reportDirs(config), true)
    if (unsafe) throw new PerfError('E_REPORT_DIR_UNSAFE', `refusing the report dir ${unsafe}; fix it (chown/chmod 700) or set report.dir`)
    // a history file read a moment ago: its dir is there (three syscalls less on every exit)
    if (!local?.found) {
      makeDirSync(dir, 0o700)
      try { chmodSync(dir, 0o700) } catch { /* not ours */ }
    }
    // nor with `history: 0`: no line appended, no rewrite to 0 lines (its history file left as it is)
    const record = config.report.history > 0 && recordsHistory()
    const files: NonNullable<PerfReport['files']> = { report: join(dir, 'report.json'), ...(record && { history: join(dir, 'history.jsonl') }) }
    if (config.report.trace) files.trace = join(dir, 'trace.json')
    report.files = files
    // ext4 flushes a file renamed over another: the old report goes first (see writeFileAtomicSync)
    // report.json holds the paths planned (the files written with it); the report returned, only
    // those written
    // report.json and trace.json grow with the spans, a history line does not: one of theirs that
    // fails (a disk nearly full: ENOSPC) no longer skips the line, which kept the run from the
    // history the budgets judge by; the first failure is warned of once all is tried
    let failed: { error: unknown } | undefined
    try {
      writeFileAtomicSync(files.report!, JSON.stringify(report), { unlinkFirst: true })
      written.report = files.report
      if (files.trace) {
        writeFileAtomicSync(files.trace, JSON.stringify(traceDocument(report)), { unlinkFirst: true })
        written.trace = files.trace
      }
    } catch (error) {
      failed = { error }
    }
    // judged by the history, not added to it (local or shared)
    let entry: HistoryEntry | undefined
    if (record) {
      try {
        entry = historyEntry(report, config.cwd)
        appendHistory(config, entry, local)
        written.history = files.history
        rememberHistoryRun(report, { runId: entry.runId })
      } catch (error) {
        failed ??= { error }
      }
    }
    if (failed) writeFailed(report, written, ctx, failed.error)
    // the run is in the local history: the shared one gets it too
    return written.history ? entry : undefined
  } catch (error) {
    writeFailed(report, written, ctx, error)
    return undefined
  }
}

/**
 * `UNPERF_HISTORY=0` (or `false`) in a run's environment: the run is judged by the history and its
 * report written, but it is not added to the history, local or shared. `unperf bench` and `unperf
 * profile` set it for the commands they run: a bench of 10–1000 runs (warm-ups included) replaced
 * the real runs of a `report.history: 100`, and the budgets' p95 and the regression baseline then
 * came from the bench's runs, a profiled run's from one slowed by the profiler.
 */
export function recordsHistory(): boolean {
  const value = process.env.UNPERF_HISTORY
  return value !== '0' && value !== 'false'
}

function traceDocument(report: PerfReport) {
  const us = (ms: number) => Math.round(ms * 1000)
  // the report's phases and spans (buildReport read them from the tracer a moment ago): the tracer's
  // traceEvents() made both again, ≈ 3 kB of young generation at every exit
  const events = traceEvents(report.startup.phases, report.spans)
  for (const c of report.commands) {
    events.push({ name: c.name, cat: 'command', ph: 'X', ts: us(c.start), dur: us(c.start + c.duration) - us(c.start), pid: report.pid, tid: 0, args: { status: c.status, memoryPeak: c.memoryPeak, ...(c.run !== undefined && { run: c.run }) } })
  }
  // two events or more on the main thread (spans, several commands) are laid out on tracks that nest:
  // a deferred module (trace-tracks.ts), as one command alone, the usual CLI run, is drawn as it is
  let main = 0
  for (const e of events) if (e.ph === 'X' && e.tid === 0) main++
  if (main > 1) nestMainTrack(events, report.pid)
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: { name: report.name, version: report.version, startedAt: report.startedAt } }
}

/**
 * tmp + rename, so a reader never sees half a file. The old file is unlinked first: renaming over an
 * existing file makes ext4 (auto_da_alloc) flush the new data before the rename, ~250 µs instead of
 * ~40 µs here. A reader in that instant sees no report, which it already handles.
 */
function print(report: PerfReport, config: ResolvedPerfConfig): void {
  if (config.report.console === false || process.env.UNPERF_SILENT === '1') return
  // `--help`, `--version`, an unknown command: no command ran, nothing to tell below the CLI's own
  // output (the report is written all the same); a budget that failed is still said
  if (report.commands.length === 0 && !report.budgets.some(b => b.status === 'fail')) return
  writeOwnStderr(renderSummary(report, config.report.console))
  // a GitHub Actions job failed of a breach ('error' mode): each one an annotation on the run and
  // the pull request too. Not in 'warn' mode: a CLI installed in a user's project would annotate
  // the user's pull requests with its own budgets
  if (config.budgets.mode === 'error' && process.env.GITHUB_ACTIONS === 'true') annotateBreaches(report)
}
