/**
 * Public types of a run's report: the budgets' verdicts, the commands, and report.json as a whole
 * ({@link PerfReport}). Re-exported by ./types.ts; imports types only.
 */
import type { CommandResult, MonitorAlert, MonitorSample } from '../hooks/types.js'
import type { CacheStats, MemorySnapshot, MemoryTrend, PoolStats, SpanRecord, StartupPhase } from './types.js'


export type BudgetKind = 'startup' | 'memory' | 'cacheHitRate' | 'duration' | 'p95' | 'commandMemory' | 'file' | 'regression'
export interface BudgetResult {
  /** Key path of the budget, e.g. `'budgets.startup'`, `'budgets.commands.build.p95'`, `'budgets.files[0]'`. */
  budget: string
  kind: BudgetKind
  status: 'pass' | 'fail' | 'skip'
  actual?: number
  limit?: number
  unit: 'ms' | 'bytes' | 'ratio'
  /** actual − limit when failed (for cacheHitRate: limit − actual). */
  over?: number
  /** over / limit */
  overRatio?: number
  command?: string
  /** A `budgets.files` entry's glob. */
  file?: string
  /** A `budgets.files` entry's compression, what `actual` was measured after. */
  compression?: 'none' | 'gzip' | 'brotli'
  /**
   * `unperf budget` only: the ISO end time of the run a command budget judged, when that run is not
   * the last report's (a command the last process did not run is judged on its newest recorded run).
   */
  recordedAt?: string
  /**
   * A regression's reference: the median of the successful runs of the command before this process,
   * ms (`limit` is the threshold over it), and how many runs that median is over (the newest, at
   * most 50). A report.json an older unperf wrote has them in `message` alone (`unperf budget` reads them there).
   */
  baseline?: number
  baselineRuns?: number
  /**
   * A regression's: how many successful runs of the command in the process `actual` is the median of
   * (a CLI's: 1). A p95 budget's: how many successful runs (history + this process) `actual` is the
   * p95 of; under 20 that p95 is the slowest of them.
   */
  runs?: number
  message: string
}
/**
 * A failed budget, as `budget:exceeded` gets it: a failure always has its `actual` and `limit` (a
 * listener comparing them under `strict` needs no `!`); `over` is there when something measured went
 * over, not for a `budgets.files` entry no file matches (`actual` 0).
 */
export interface BudgetBreach extends BudgetResult {
  status: 'fail'
  actual: number
  limit: number
}
export interface CommandRecord extends Omit<CommandResult, 'error'> {
  /** ms since process start (the clock of `performance.now()`, read without loading perf_hooks) */
  start: number
  /** This run's number among the process's commands (from 1); its spans carry it as `run`. */
  run?: number
  error?: { name: string; message: string }
}
/** One command over every run of a process (report.commandStats). */
export interface CommandStats {
  runs: number
  errors: number
  /** ms */
  maxDuration: number
  /** bytes */
  maxMemoryPeak: number
  /** ms, the newest successful runs (at most 1 000) */
  okDurations: number[]
}

export interface PerfReport {
  schemaVersion: 1
  name: string
  version: string
  env: string
  scope?: string
  pid: number
  /** ISO */
  startedAt: string
  endedAt: string
  node: string
  platform: string
  argv: string[]
  exitCode?: number
  startup: { total: number; phases: StartupPhase[] }
  /** The newest 1 000 (at most) runs of `perf.run()` in this process. */
  commands: CommandRecord[]
  /** Older runs left out of `commands` by a long-running process (metrics still count them). */
  commandsDropped?: number
  /**
   * Per command over every run of the process, present when `commandsDropped` is: runs, errors, the
   * longest run (ms), the highest memory peak (bytes) and the newest successful durations (ms, ≤ 1 000),
   * what `budgets.commands` are judged on then.
   */
  commandStats?: Record<string, CommandStats>
  /**
   * The runs of command names past the first 1 000 distinct ones (a name per request), together:
   * present once there were any. No command's own stats, whatever its name.
   */
  commandStatsOverflow?: CommandStats
  /** The newest 10 000 (at most) spans of this process. */
  spans: SpanRecord[]
  /** Older spans left out of `spans` by a long-running process (a service with spans in every request). */
  spansDropped?: number
  /**
   * What unperf warned about during the run, each once, in order (the first 100, redacted): a plugin
   * that failed, a tier that could not be reached, a hook listener that threw. Kept also when
   * nothing was printed (UNPERF_SILENT=1, report.console: false); absent when there was nothing.
   */
  warnings?: ReportWarning[]
  /** `enabled: false` when the cache was off for the run (`--no-cache`, `UNPERF_CACHE=0`, `cache.enabled: false`): every lookup a miss. */
  cache: CacheStats & { namespaces: Record<string, CacheStats>; enabled?: false }
  memory: { peakRss: number; snapshots: MemorySnapshot[]; trend: MemoryTrend }
  pools: PoolStats[]
  budgets: BudgetResult[]
  alerts: MonitorAlert[]
  monitor?: { samples: number; last?: MonitorSample }
  /** Where the report files were written. */
  files?: { report?: string; trace?: string; history?: string }
}

/** One warning of a run (PerfReport.warnings): its code (what it is about, e.g. `plugin:<name>:setup`) and what was said. */
export interface ReportWarning {
  code: string
  message: string
  /** A plugin's warning: the plugin's name (or its specifier when it did not load). */
  plugin?: string
  /** A plugin's warning: the file of the config layer that lists it (absolute). */
  file?: string
  /** A plugin's warning: its entry's key path in that file (`plugins[3]`, `$env.ci.plugins[0]`). */
  path?: string
}
