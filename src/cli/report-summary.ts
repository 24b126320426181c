/**
 * `unperf report`'s figures per command: its median, trend and cold starts per process, and the
 * verdict the run itself got (budgets.ts judgeRegression).
 *
 * A history line is one process. The median, the trend and the cold starts take one figure per
 * process: the median of its successful runs of the command (a CLI's: its one run), the figure
 * `latest` is for the newest process. Over every run pooled, a process that ran the command 800
 * times (a watch mode, a service timing its requests) outweighed every process before it: the
 * median was that process's, and the trend compared its own later requests with its earlier ones,
 * not one session with the sessions before. For a CLI, one run a process, nothing changes.
 *
 * The verdict is the newest process's: the median of its successful runs of the command against the
 * runs of the processes before it, as that process judged itself. Median, trend and the regression
 * rule are over the successful runs only (a run that failed is neither judged nor a reference).
 *
 * The median and the trend (the later half of the processes over the earlier half) leave out cold
 * first processes: the first few (at most COLD_MAX, and at most a quarter of them) above the
 * regression threshold of the processes after them, as a first run after an install or a cache wipe
 * is. Counted in, they made the earlier half slow, and a trend of −90 % could stand beside a
 * "regression" verdict. The verdict comes with its own numbers (`baseline`, `change`): a long-run
 * trend and the latest run's verdict may still differ, but each says what it compares.
 */
import { judgeRegression, median, regressionThreshold } from '../runtime/report/budgets.js'
import type { HistoryEntry } from '../runtime/report/history.js'

/** The trend is the later half's median over the earlier half's: it needs this many processes (fewer show –). */
export const TREND_MIN_PROCESSES = 4
/** Leading processes the median and trend may leave out as cold starts. */
const COLD_MAX = 3

type Run = HistoryEntry['commands'][number]

/** One process's runs of a command, as one figure: the median of its successful runs (of all its runs when the command never succeeded). */
interface ProcessFigure {
  duration: number
  /** The runs it is the median of. */
  runs: number
}

export function summarize(history: HistoryEntry[], last = 10, regressions = true) {
  const names = [...new Set(history.flatMap(h => h.commands.map(c => c.name)))]
  return names.map(name => {
    const runs = history.flatMap(h => h.commands.filter(c => c.name === name).map(c => ({ time: h.time, ...c })))
    const ok = runs.filter(r => r.status === 'ok').length
    const processes = history.filter(h => h.commands.some(c => c.name === name))
    // a process whose runs all failed has no figure, unless no run of the command ever succeeded
    const figures = processes.flatMap(h => processFigure(h.commands, name, ok === 0) ?? [])
    const latestRun = runs[runs.length - 1]!
    // the process that ran it last, judged as it judged itself (none of its runs succeeded: not judged)
    const newest = processes[processes.length - 1]!
    const own = newest.commands.filter(c => c.name === name && c.status === 'ok').map(c => c.duration)
    const judged = own.length > 0 ? judgeRegression({ endedAt: newest.time, pid: newest.pid }, history, name, own) : undefined
    const latest = judged?.duration ?? (own.length > 0 ? median(own) : latestRun.duration)
    const regression = regressions && judged !== undefined && judged.duration > judged.threshold
    const cold = coldStarts(figures.map(f => f.duration))
    const warm = figures.slice(cold)
    const warmDurations = warm.map(f => f.duration)
    const half = Math.floor(warm.length / 2)
    const trend = warm.length >= TREND_MIN_PROCESSES ? median(warmDurations.slice(half)) / median(warmDurations.slice(0, half)) - 1 : 0
    const warmRuns = sumRuns(warm)
    return {
      command: name, runs: runs.length, failed: runs.length - ok,
      // over the warm processes' figures: `medianRuns` runs in `medianProcesses` processes
      median: median(warmDurations), medianRuns: warmRuns, medianProcesses: warm.length,
      // the newest process's median (its successful runs: `latestRuns`), or its last run when none succeeded
      latest, latestRuns: Math.max(own.length, 1),
      status: latestRun.status, ...(latestRun.status !== 'ok' && isErrorSummary(latestRun.error) && { error: latestRun.error }),
      trend, trendRuns: warmRuns, trendProcesses: warm.length,
      coldRuns: sumRuns(figures.slice(0, cold)), coldProcesses: cold,
      processes: processes.length, regression,
      // what the verdict compared: `latest` against the median of the runs before its process (null: not judged)
      baseline: judged?.median ?? null, change: judged && judged.median > 0 ? latest / judged.median - 1 : null, threshold: judged?.threshold ?? null,
      recent: runs.slice(-last),
    }
  })
}

export type Summary = ReturnType<typeof summarize>[number]

/**
 * The figure of one process (a history line's commands) for `name`: the median of its successful runs,
 * or with `anyStatus` of all its runs; undefined when it has none of them.
 */
export function processFigure(commands: readonly Run[], name: string, anyStatus: boolean): ProcessFigure | undefined {
  const durations = commands.filter(c => c.name === name && (anyStatus || c.status === 'ok')).map(c => c.duration)
  return durations.length > 0 ? { duration: median(durations), runs: durations.length } : undefined
}

// --- internal ---

const sumRuns = (figures: ProcessFigure[]) => figures.reduce((n, f) => n + f.runs, 0)

/** How many of the first processes are cold starts: slower than the regression threshold of the processes after them. */
function coldStarts(durations: number[]): number {
  const max = Math.min(COLD_MAX, Math.floor(durations.length / 4))
  if (max === 0) return 0
  const { threshold } = regressionThreshold(durations.slice(max))
  let cold = 0
  while (cold < max && durations[cold]! > threshold) cold++
  // still slow after them: a level the history started at (code made faster since), not cold starts
  return cold === max && durations[max]! > threshold ? 0 : cold
}

/** A history line's `error` as unperf writes it (a line from elsewhere, a shared history, may hold anything). */
function isErrorSummary(error: unknown): error is { name: string; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' && typeof (error as { message?: unknown }).message === 'string'
}
