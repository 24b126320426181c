/** `unperf budget`: every budget against the last report and budgets.files; exit 1 on a breach or no run (but for file budgets alone: their verdict). */
import { join } from 'node:path'
import { defineCommand } from 'citty'
import { formatBytes, formatDuration } from '../../config/units.js'
import { keyPath } from '../../config/key-path.js'
import { evaluateBudgets } from '../../runtime/report/budgets.js'
import { checkFileBudgets } from '../../runtime/report/file-budgets.js'
import { readLastReportFile } from '../../runtime/report/last-report.js'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { BudgetResult, PerfReport } from '../../runtime/types.js'
import { ciBlockWarning, cliConfigLayers, envBlockWarning, cliHistory, cliLocalHistory, cliReportDirRefused } from '../_context.js'
import { configArgs, dim, green, plural, printable, printJson, red, stderrColors, table, yellow } from '../_ui.js'
import { commandNamesCell } from '../command-names-cell.js'
import { runsUnderOtherNames } from '../runs-elsewhere.js'
import { judgeEarlierRuns } from '../earlier-runs.js'
import { reportToGitHub } from '../github-actions.js'
import { parentConfigWarning } from '../parent-config.js'

/** The key paths of the budgets the config sets (budgets.files are judged with or without a run). */
function configuredBudgets(b: ResolvedPerfConfig['budgets']): string[] {
  return [
    ...(['startup', 'memory', 'cacheHitRate'] as const).filter(k => b[k] !== undefined).map(k => `budgets.${k}`),
    ...Object.keys(b.commands).map(name => keyPath('budgets.commands', name)),
    ...b.files.map((_, i) => `budgets.files[${i}]`),
  ]
}

/**
 * Every budget configured is a file budget: none needs a run. `regressions` (on by default) is not
 * counted: with no run recorded there is nothing to compare.
 */
function filesOnly(b: ResolvedPerfConfig['budgets']): boolean {
  return b.files.length > 0 && configuredBudgets(b).length === b.files.length
}

/** What stderr says when a config with file budgets alone has no run recorded (filesOnly). */
const FILES_ALONE = (dir: string) => `no run recorded in ${dir}: only budgets.files apply (no budget configured needs a run)`

/**
 * Why no budget has a verdict: none configured, or none the last run gave anything to judge (not
 * 'no budgets configured' then). Undefined with no run: the no-run message says it.
 */
function whyNothingJudged(config: ResolvedPerfConfig, report: PerfReport | undefined): string | undefined {
  const configured = configuredBudgets(config.budgets)
  if (configured.length === 0) return 'no budgets configured'
  if (!report) return undefined
  // each name once (a service's run holds up to 1 000 of them), cut to 60 columns
  const ran = commandNamesCell([...new Set(report.commands.map(c => c.name))])
  return `no budget applies to the last run (${ran ? `it ran ${ran}` : 'it ran no command'}; ${printable(`configured: ${configured.join(', ')}`)})`
}

/** The report's own p95 and regression verdicts in place of those re-judged without the shared history. */
function withRunVerdicts(results: BudgetResult[], report: PerfReport): BudgetResult[] {
  const historyBased = (r: BudgetResult) => r.kind === 'p95' || r.kind === 'regression'
  const own = report.budgets.filter(historyBased).map(r => ({ ...r, message: `${r.message} (as the run judged it: report.historyDriver cannot be read now)` }))
  if (own.length === 0) return results
  const kept = results.filter(r => !historyBased(r))
  const at = kept.findIndex(r => r.kind === 'file')
  kept.splice(at === -1 ? kept.length : at, 0, ...own)
  return kept
}

/**
 * What a regression was judged against: `769 % slower than its median of 177 ms over 8 runs`, from
 * its `baseline` and `baselineRuns`; a report.json an older unperf wrote has them in its message alone.
 */
function regressionAgainst(r: BudgetResult): string {
  if (r.actual !== undefined && r.baseline !== undefined && r.baselineRuns !== undefined) {
    return `${(((r.actual - r.baseline) / r.baseline) * 100).toFixed(0)} % slower than its median of ${formatDuration(r.baseline)} over ${r.baselineRuns} runs`
  }
  return /.*, (\d+ % slower than its median of .* over \d+ runs)/s.exec(r.message)?.[1] ?? ''
}

/**
 * A CI gate on a machine that has not run the CLI (a job of its own), with a shared history: what it
 * judges is this machine's last run, the fleet's runs only the history that run is judged against.
 */
const FLEET_RUNS = " on this machine (budgets judge this machine's last run; report.historyDriver's runs of other machines are the history it is judged against: `unperf report` lists them)"

const fmt = (b: BudgetResult, v: number | undefined) => v === undefined ? '' : b.unit === 'ms' ? formatDuration(v) : b.unit === 'bytes' ? formatBytes(v) : `${(v * 100).toFixed(1)} %`

export default defineCommand({
  meta: { name: 'budget', description: 'Check budgets against the last recorded run and budgets.files (exit 1 on a breach)' },
  args: { ...configArgs },
  async run({ args }) {
    const { config, layers } = await cliConfigLayers(args)
    // the CI gate in a step without PERF_ENV=ci: the config's $env.ci block (its budgets, the shared
    // historyDriver) is not applied to what it judges, which said nothing (only config and doctor did)
    const ci = ciBlockWarning(args.env, config.env, layers)
    if (ci) console.error(stderrColors.yellow(`[unperf] warning: ${ci}`))
    // `--env cii` (a typo in the CI step): the $env.ci block's budgets not applied, the gate passing on
    // the default ones, with no word of it (only `unperf config` said so)
    const env = envBlockWarning(args.env, layers)
    if (env) console.error(stderrColors.yellow(`[unperf] warning: ${env}`))
    // `--cwd packages/app` in a monorepo whose perf.config is at its root: the defaults judged,
    // 'no budgets configured', exit 0 once a run was recorded (only config and doctor said why)
    const parent = parentConfigWarning(config.rootDir, config.configFile)
    if (parent) console.error(stderrColors.yellow(`[unperf] warning: ${parent}`))
    // an unsafe report dir is not read: as no run recorded, with the reason
    const refused = cliReportDirRefused(config)
    const last = refused ? { refused } : readLastReportFile(config)
    const report = 'report' in last ? last.report : undefined
    let results: BudgetResult[]
    let noRun = false
    let filesAlone = false
    if (report) {
      // evaluateBudgets judges against the runs that ended before the judged one (its own line and
      // runs other machines added since to a shared historyDriver left out), as the run itself did
      let driverFailed = false
      const local = cliLocalHistory(config, refused)
      const history = await cliHistory(config, refused, () => { driverFailed = true }, local)
      results = evaluateBudgets(report, config, history)
      // the shared history unreadable now (Redis down since the run): p95 and regressions re-judged on
      // this machine's runs alone passed a regression the run itself found against the fleet's; the
      // run's own verdicts of those stand then (judged with the shared history when it could be read)
      if (driverFailed) results = withRunVerdicts(results, report)
      // a CI job's commands in processes of their own: the budgeted commands the last one did not run
      // are judged on their newest run recorded on this machine (earlier-runs.ts)
      if (!refused && Object.keys(config.budgets.commands).length > 0) {
        const earlier = judgeEarlierRuns(report, config, local, history)
        // beside the last report's command verdicts: before its regressions and the files
        const at = results.findIndex(r => r.kind === 'regression' || r.kind === 'file')
        results.splice(at === -1 ? results.length : at, 0, ...earlier)
      }
    } else {
      // a config whose budgets are all budgets.files (as size-limit's) needs no run: their verdict is
      // the exit code, as size-limit's (it exited 1 with every file passing, E_NO_RUN)
      filesAlone = 'missing' in last && filesOnly(config.budgets)
      noRun = !filesAlone
      results = checkFileBudgets(config)
    }
    const failed = results.filter(r => r.status === 'fail')
    if (noRun || failed.length > 0) process.exitCode = 1
    // a report cut short (a full disk, a crash mid-write) is no "no run": say it cannot be read
    const noRunMessage = 'refused' in last
      ? `no run read: the report dir ${last.refused}`
      : 'unreadable' in last
        ? `the last report (${join(config.report.dir, 'report.json')}) cannot be read (${last.unreadable}): run the CLI again to record a run`
        : `no run recorded in ${config.report.dir}: ${runsUnderOtherNames(config, 'budget') ?? `run the CLI once (with unperf) before checking budgets${config.report.historyDriver ? FLEET_RUNS : ''}`}`
    const noRunCode = 'refused' in last ? 'E_REPORT_DIR_UNSAFE' : 'unreadable' in last ? 'E_REPORT_UNREADABLE' : 'E_NO_RUN'
    // a file budget's row names its glob and, when compressed, how: `30.7 kB` alone did not say of what
    const label = (r: BudgetResult) => printable(r.kind === 'file' && r.file !== undefined
      ? `${r.budget} ${r.file}${r.compression && r.compression !== 'none' ? ` (${r.compression})` : ''}`
      : r.recordedAt !== undefined ? `${r.budget} (run of ${r.recordedAt.slice(0, 19).replace('T', ' ')})` : r.budget)
    // a regression's limit comes from the history: its row says what it was judged against; a p95's,
    // how many runs it is over (under 20, the slowest of them: "over by 290 ms" after a 21 ms run)
    const against = (r: BudgetResult) => r.kind === 'regression' ? regressionAgainst(r) : r.kind === 'p95' && r.runs !== undefined ? `p95 of ${plural(r.runs, 'run')}` : ''
    const verdict = (r: BudgetResult) => r.status === 'pass' ? '✔ pass'
      : r.status === 'skip' ? `– skip: ${printable(r.message.replace(/^[^:]*: /, '').replace(/, not judged$/, ''))}`
        : r.over === undefined ? `✖ ${printable(r.message.replace(/^[^:]*: /, ''))}` : `✖ ${r.kind === 'cacheHitRate' ? 'under' : 'over'} by ${fmt(r, r.over)}${against(r) && `: ${printable(against(r))}`}`
    const nothingJudged = results.length > 0 ? undefined : whyNothingJudged(config, report)
    // a GitHub Actions job: an annotation per breach and the table in the job summary, --json or not
    if (process.env.GITHUB_ACTIONS === 'true') {
      reportToGitHub(`unperf budget (${printable(config.name)})`, results.map(r => ({ budget: label(r), actual: fmt(r, r.actual), limit: fmt(r, r.limit), verdict: verdict(r), status: r.status })),
        failed.map(r => printable(r.message)), noRun ? noRunMessage : undefined, nothingJudged)
    }
    // the error's shape is every command's ({ name, code, message }), beside the verdicts; its
    // message on stderr too, as every command's error with --json
    if (args.json) {
      if (noRun) console.error(`[unperf] ${noRunMessage}`)
      if (filesAlone) console.error(`[unperf] ${FILES_ALONE(config.report.dir)}`)
      return printJson({ ok: !noRun && failed.length === 0, report: report ? config.report.dir : null, budgets: results, ...(noRun && { error: { name: 'BudgetError', code: noRunCode, message: noRunMessage } }) })
    }
    if (noRun) console.error(stderrColors.red(`[unperf] ${noRunMessage}`))
    if (filesAlone) console.error(`[unperf] ${FILES_ALONE(config.report.dir)}`)
    if (results.length === 0) {
      if (nothingJudged) console.log(dim(nothingJudged))
      return
    }
    console.log(table(results.map(r => [
      label(r), fmt(r, r.actual), fmt(r, r.limit),
      (r.status === 'pass' ? green : r.status === 'skip' ? yellow : red)(verdict(r)),
    ]), ['budget', 'actual', 'limit', 'verdict']))
    if (failed.length > 0) console.error(stderrColors.red(`\n${plural(failed.length, 'budget')} exceeded`))
  },
})
