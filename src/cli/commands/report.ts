/** `unperf report [--html FILE]`: last runs per command, trends, regressions; --html a self-contained page. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { defineCommand } from 'citty'
import { formatBytes, formatDuration } from '../../config/units.js'
import { readLastReportFile, type readLastReport } from '../../runtime/report/last-report.js'
import type { HistoryEntry } from '../../runtime/report/history.js'
import { UsageError } from '../../errors.js'
import { cliConfig, cliHistory, cliLocalHistory, cliReportDirRefused } from '../_context.js'
import { flushStdoutExports, refuseStdoutWithJson, writeOutFile } from '../out-file.js'
import { configArgs, dim, green, plural, printable, printJson, red, stderrColors, table } from '../_ui.js'
import { runsUnderOtherNames } from '../runs-elsewhere.js'
import { processFigure, summarize, TREND_MIN_PROCESSES, type Summary } from '../report-summary.js'

/** The trend cell: `+3 %`, `–` with too few processes. */
function trendText(s: Summary): string {
  return s.trendProcesses < TREND_MIN_PROCESSES ? '–' : `${s.trend >= 0 ? '+' : ''}${(s.trend * 100).toFixed(0)} %`
}

/**
 * The verdict cell: `ok`, `failed`, `regression (+45 % vs 210 ms)`; both, `failed; regression (…)`, when
 * the last run of a process that ran the command many times failed and the runs before it regressed.
 */
function verdictText(s: Summary): string {
  const regression = s.change === null ? 'regression' : `regression (${s.change >= 0 ? '+' : ''}${(s.change * 100).toFixed(0)} % vs ${formatDuration(s.baseline!)})`
  if (s.status !== 'ok') return s.regression ? `failed; ${regression}` : 'failed'
  return s.regression ? regression : 'ok'
}

/**
 * What a reader needs to square the median, latest and trend with the verdict: the cold first runs
 * left out of the median and trend, figures taken per process where a process ran the command many
 * times, and a `latest` that is the median of a process's runs.
 */
function tableNotes(summary: Summary[]): string[] {
  return summary.flatMap(s => {
    // some process ran it more than once: each figure is a process's, which the notes say
    const perProcess = s.runs > s.processes
    const cold = s.coldProcesses === 1 ? 'process' : `${s.coldProcesses} processes`
    return [
      ...(s.coldProcesses > 0 && !perProcess ? [`median and trend of ${s.command}: its first ${s.coldRuns === 1 ? 'run' : `${s.coldRuns} runs`} left out (cold start${s.coldRuns > 1 ? 's' : ''}: slower than the regression threshold of the runs after)`] : []),
      ...(s.coldProcesses > 0 && perProcess ? [`median and trend of ${s.command}: its first ${cold} (${plural(s.coldRuns, 'run')}) left out (${s.coldProcesses > 1 ? "cold starts: each one's" : 'a cold start: its'} median slower than the regression threshold of the processes after)`] : []),
      ...(perProcess ? [`median and trend of ${s.command}: one figure a process, the median of its runs there (${plural(s.medianProcesses, 'process', 'processes')}, ${plural(s.medianRuns, 'run')}${s.medianProcesses < TREND_MIN_PROCESSES ? `; a trend needs ${TREND_MIN_PROCESSES}` : ''})`] : []),
      ...(s.latestRuns > 1 ? [`latest of ${s.command}: the median of the ${s.latestRuns} successful runs of its newest process, judged against the processes before it as that run judged itself`] : []),
    ]
  })
}

export default defineCommand({
  meta: { name: 'report', description: 'Last runs per command, trends and regressions (--html FILE: a page with charts)' },
  args: { ...configArgs, html: { type: 'string', description: 'Write a self-contained HTML report to FILE' }, last: { type: 'string', default: '10', description: "How many of each command's newest runs --json lists as recent (the table is over every recorded run)" } },
  async run({ args }) {
    const config = await cliConfig(args)
    // an unsafe report dir is not read (said on stderr): its history and last report left out
    const refused = cliReportDirRefused(config)
    const local = cliLocalHistory(config, refused)
    const history = await cliHistory(config, refused, undefined, local)
    // the last run's report.json (--json's `last`, the page's budgets, startup phases and memory): one
    // that cannot be read (cut short, another unperf's schemaVersion) is left out, said on stderr
    let read: ReturnType<typeof readLastReportFile> | undefined
    const lastReport = () => {
      if (refused) return undefined
      if (!read) {
        read = readLastReportFile(config)
        if ('unreadable' in read) console.error(stderrColors.yellow(`[unperf] the last report (${join(config.report.dir, 'report.json')}) cannot be read (${read.unreadable}): left out`))
      }
      return 'report' in read ? read.report : undefined
    }
    const last = Number(args.last)
    if (!Number.isInteger(last) || last < 1) throw new UsageError(`--last must be a positive integer, got '${args.last}'`)
    const summary = summarize(history, last, config.budgets.regressions)
    if (args.html) {
      refuseStdoutWithJson({ html: args.html }, args.json)
      const file = writeOutFile('--html', args.html, renderHtml(config.name, history, summary, lastReport(), config.report.dir), args.cwd)
      // `--html -`: the page alone on stdout (`unperf report --html - > page.html`, or piped on)
      if (file === '-') return flushStdoutExports()
      // the same document as without --html (a script reading `commands` must not lose them for
      // asking for the page too), plus the page's path
      if (args.json) return printJson({ ...counts(history, summary), commands: summary, last: lastReport() ?? null, file })
      return console.log(`${green('✔')} wrote ${file} (${runsIn(history, summary)})`)
    }
    if (args.json) return printJson({ ...counts(history, summary), commands: summary, last: lastReport() ?? null })
    if (history.length === 0) {
      // none kept by request: the last run is still in report.json (`--json`'s `last`, `unperf budget`)
      if (config.report.history === 0) return console.log(dim(`no runs kept: report.history is 0; the last run's report is ${join(config.report.dir, 'report.json')} (unperf budget judges it, --json gives it as last)`))
      const elsewhere = runsUnderOtherNames(config, 'report')
      if (elsewhere) console.error(stderrColors.yellow(`[unperf] ${elsewhere}`))
      return console.log(dim(`no runs recorded in ${config.report.dir}`))
    }
    // with a shared history, how many came from it: '7 runs recorded in <dir>' read as this machine's
    const localIds = config.report.historyDriver && !refused ? new Set(local.map(h => h.runId)) : undefined
    const shared = localIds ? history.filter(h => !localIds.has(h.runId)).length : 0
    // runs as the table counts them (a process that ran a command 100 times: 100), in processes (history lines)
    const { runs, processes } = counts(history, summary)
    const here = history.length - shared
    console.log(shared > 0
      ? `${runsIn(history, summary)} recorded (${runs === processes ? here : plural(here, 'process', 'processes')} in ${config.report.dir}, ${shared} more in report.historyDriver)`
      : `${runsIn(history, summary)} recorded in ${config.report.dir}`)
    console.log(table(summary.map(s => [
      printable(s.command), String(s.runs), formatDuration(s.median), formatDuration(s.latest),
      s.trendProcesses < TREND_MIN_PROCESSES ? dim(trendText(s)) : trendText(s),
      s.status !== 'ok' || s.regression ? red(verdictText(s)) : green(verdictText(s)),
    ]), ['command', 'runs', 'median', 'latest', 'trend', 'verdict']))
    for (const note of tableNotes(summary)) console.log(dim(printable(note)))
    // what the latest run of a failed command ended with (history lines of older versions have no error)
    for (const s of summary) if (s.error) console.log(`${red('✖')} ${printable(`${s.command}: ${s.error.name}: ${s.error.message.replace(/\s*\n\s*/g, ' ')}`)}`)
  },
})

/**
 * The recorded runs as the table counts them, every command's (s31-report), and the processes they
 * ran in (history lines): the first line counted the lines as runs, '8 runs' over a table of 107.
 */
function counts(history: HistoryEntry[], summary: Summary[]): { runs: number; processes: number } {
  return { runs: summary.reduce((n, s) => n + s.runs, 0), processes: history.length }
}

/** '6 runs' when each process ran one command once (a CLI's), else '107 runs in 8 processes'. */
function runsIn(history: HistoryEntry[], summary: Summary[]): string {
  const { runs, processes } = counts(history, summary)
  return runs === processes ? plural(runs, 'run') : `${plural(runs, 'run')} in ${plural(processes, 'process', 'processes')}`
}

function renderHtml(name: string, history: HistoryEntry[], summary: Summary[], last: ReturnType<typeof readLastReport>, dir: string): string {
  const uplotJs = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')
  const uplotCss = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8')
  const data = {
    // a point a process: the median of its successful runs of each command (of its runs when none succeeded), as the table's figures
    history: history.map(h => ({ t: Date.parse(h.time) / 1000, startup: h.startup ?? null, rss: h.peakRss, hit: h.cache.lookups ? h.cache.hitRate : null, commands: Object.fromEntries([...new Set(h.commands.map(c => c.name))].map(name => [name, (processFigure(h.commands, name, false) ?? processFigure(h.commands, name, true))!.duration])) })),
    commands: summary.map(s => s.command),
    phases: last?.startup.phases ?? [],
    budgets: last?.budgets ?? [],
  }
  const esc = (s: string) => s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
  const rows = summary.map(s => `<tr><td>${esc(s.command)}</td><td>${s.runs}</td><td>${esc(formatDuration(s.median))}</td><td>${esc(formatDuration(s.latest))}</td><td>${esc(trendText(s))}</td><td class="${s.regression || s.status !== 'ok' ? 'bad' : 'ok'}">${esc(verdictText(s))}</td></tr>`).join('')
  const budgets = (last?.budgets ?? []).map(b => `<tr><td>${esc(b.budget)}</td><td class="${b.status === 'fail' ? 'bad' : 'ok'}">${b.status}</td><td>${esc(b.message)}</td></tr>`).join('')
  return `<!doctype html><html><head><meta charset="utf-8"><title>unperf report · ${esc(name)}</title>
<style>${uplotCss}
body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}.bad{color:#c00}.ok{color:#080}
.chart{margin:8px 0}.note{color:#666;font-size:12px}</style></head><body>
<h1>unperf report · ${esc(name)}</h1><p>${runsIn(history, summary)}${last ? `, last ${esc(last.endedAt)}` : ''}. Memory peak ${last ? esc(formatBytes(last.memory.peakRss)) : '–'}.</p>
<h2>Commands</h2><table><tr><th>command</th><th>runs</th><th>median</th><th>latest</th><th>trend</th><th>verdict</th></tr>${rows || `<tr><td colspan=6>no runs recorded in ${esc(dir)}</td></tr>`}</table>${tableNotes(summary).map(n => `<p class="note">${esc(n)}</p>`).join('')}
<h2>Budgets (last run)</h2><table><tr><th>budget</th><th>status</th><th></th></tr>${budgets || '<tr><td colspan=3>none</td></tr>'}</table>
<h2>Startup phases (last run)</h2><div id="phases" class="chart"></div>
<h2>Command durations over time</h2><div id="durations" class="chart"></div>${summary.some(s => s.runs > s.processes) ? '<p class="note">one point a process: the median of its successful runs of each command</p>' : ''}
<h2>Memory (peak rss) over time</h2><div id="memory" class="chart"></div>
<h2>Cache hit rate over time</h2><div id="hits" class="chart"></div>
<script>${uplotJs}</script>
<script>
const DATA = ${JSON.stringify(data).replace(/</g, '\\u003c')};
const W = Math.min(900, document.body.clientWidth - 40);
const t = DATA.history.map(h => h.t);
const palette = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b'];
function chart(id, series, data, opts = {}) {
  if (!data[0].length) { document.getElementById(id).textContent = 'no data'; return }
  new uPlot({ width: W, height: 220, series: [{}, ...series], ...opts }, data, document.getElementById(id));
}
chart('durations', DATA.commands.map((c, i) => ({ label: c + ' (ms)', stroke: palette[i % palette.length], spanGaps: true })), [t, ...DATA.commands.map(c => DATA.history.map(h => h.commands[c] ?? null))]);
chart('memory', [{ label: 'peak rss (MB)', stroke: palette[0] }], [t, DATA.history.map(h => h.rss / 1e6)]);
chart('hits', [{ label: 'hit rate (%)', stroke: palette[2] }], [t, DATA.history.map(h => h.hit === null ? null : h.hit * 100)]);
chart('phases', [{ label: 'ms', stroke: palette[1], fill: 'rgba(255,127,14,0.3)', paths: uPlot.paths.bars({ size: [0.6] }) }],
  [DATA.phases.map((_, i) => i), DATA.phases.map(p => p.duration)],
  { scales: { x: { time: false } }, axes: [{ values: (u, ticks) => ticks.map(i => DATA.phases[i] ? DATA.phases[i].name : '') }, {}] });
document.body.dataset.rendered = 'true';
</script></body></html>`
}
