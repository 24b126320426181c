/**
 * `unperf budget` after a CI job that ran its commands in processes of their own (`acme build`, then
 * `acme lint`, then `acme test`): the last report is the last process's alone, so the gate judged
 * `test` and passed while `build`, two processes earlier, was over its budget. A command budget
 * (duration, memory, p95, and its regressions) of a command the last report did not run judges that
 * command's newest run in this machine's history.jsonl instead: a run that ended before the last
 * report's, of the same commit when the runs name one (a runner that keeps its cache dir between
 * jobs of other commits does not judge their runs again). As size-limit or `lhci assert` judge
 * everything the job produced, not its last step. Process-wide budgets (startup, memory,
 * cacheHitRate) stay the last report's.
 */
import { evaluateBudgets } from '../runtime/report/budgets.js'
import { gitSha, type HistoryEntry } from '../runtime/report/history.js'
import type { ResolvedPerfConfig } from '../config/types.js'
import type { BudgetResult, PerfReport } from '../runtime/types.js'

/**
 * The budget results of the budgeted commands the last report did not run, each judged on its newest
 * earlier run in `local` (this machine's history.jsonl); `history` (merged with a historyDriver) is
 * what p95 and regressions are judged against, as the run itself did. Each result names its run
 * (`recordedAt`, and its message says when it ended).
 */
export function judgeEarlierRuns(report: PerfReport, config: ResolvedPerfConfig, local: HistoryEntry[], history: HistoryEntry[]): BudgetResult[] {
  const budgeted = Object.keys(config.budgets.commands)
  const ranLast = new Set([...report.commands.map(c => c.name), ...Object.keys(report.commandStats ?? {})])
  const missing = budgeted.filter(name => !ranLast.has(name))
  if (missing.length === 0) return []
  const own = local.find(h => h.time === report.endedAt && h.pid === report.pid)
  // the commit the last run recorded (its history line; a run kept out of the history, UNPERF_HISTORY=0: HEAD now)
  const git = own ? own.git : gitSha(config.cwd)
  const earlier = local.filter(h => h !== own && h.time <= report.endedAt && (git === undefined || h.git === git))
  // each missing command's newest run, grouped by the run (one process may have run several of them)
  const byRun = new Map<HistoryEntry, string[]>()
  for (const name of missing) {
    const run = earlier.findLast(h => h.commands.some(c => c.name === name))
    if (run) byRun.set(run, [...(byRun.get(run) ?? []), name])
  }
  const out: BudgetResult[] = []
  for (const [run, names] of [...byRun].sort(([a], [b]) => a.time.localeCompare(b.time))) {
    // that run as a report of those commands alone: evaluateBudgets reads its commands, end and pid
    const judged = { ...report, endedAt: run.time, pid: run.pid, commandStats: undefined, commandsDropped: undefined, commands: run.commands.filter(c => names.includes(c.name)) } as unknown as PerfReport
    const only = Object.fromEntries(names.map(name => [name, config.budgets.commands[name]!]))
    const budgets = { ...config.budgets, startup: undefined, memory: undefined, cacheHitRate: undefined, files: [], commands: only }
    for (const result of evaluateBudgets(judged, { ...config, budgets } as ResolvedPerfConfig, history)) {
      out.push({ ...result, recordedAt: run.time, message: `${result.message} (its last run, ended ${run.time})` })
    }
  }
  return out
}
