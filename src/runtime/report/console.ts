/**
 * The console summary at exit, on stderr (the host's stdout stays clean for pipes): aligned
 * tables, humanized numbers, colors as color.ts decides (NO_COLOR, FORCE_COLOR, a TTY). Synchronous on purpose:
 * it also runs in the exit handler.
 */
import { formatBytes, formatDuration, formatMetric } from '../../config/units.js'
import { lookupsOf } from '../cache/hit-rate.js'
import type { PerfReport } from '../types.js'
import { useColor } from '../color.js'
import { commandRowsByName } from './console-by-name.js'
import { spanTree } from './span-tree.js'

export function renderSummary(report: PerfReport, mode: 'summary' | 'verbose', color = useColor(process.stderr)): string {
  const c = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
  const dim = (s: string) => c(2, s)
  const bold = (s: string) => c(1, s)
  const lines: string[] = []
  // the first column (names) and prose are left-aligned, figures right-aligned
  const section = (title: string, rows: string[][], prose = false) => {
    if (rows.length === 0) return
    lines.push(bold(title))
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => stripAnsi(r[i] ?? '').length)))
    for (const r of rows) lines.push('  ' + r.map((cell, i) => pad(cell, widths[i]!, i === 0 || prose ? 'left' : 'right')).join('  ').trimEnd())
  }

  lines.push(`${bold(`unperf · ${report.name}@${report.version}`)} ${dim(`(${report.env})`)}`)
  if (report.commands.length > 0) {
    section(`startup ${formatDuration(report.startup.total)}`, report.startup.phases.map(p => [p.name, formatDuration(p.duration), `${(p.share * 100).toFixed(0)} %`]))
  }
  const names = new Set(report.commands.map(cmd => cmd.name))
  if (mode === 'verbose' || names.size === report.commands.length) {
    section('commands', report.commands.map(cmd => [
      cmd.name, formatDuration(cmd.duration), `peak ${formatBytes(cmd.memoryPeak)}`, `Δ ${formatBytes(cmd.memoryDelta)}`,
      cmd.status === 'ok' ? c(32, 'ok') : c(31, 'error'),
    ]))
  } else {
    // a command run many times (a service's requests, a watch mode's rebuilds): one row per name, not
    // one per run (1 000 lines at close)
    const older = report.commandsDropped ? dim(` (the newest ${report.commands.length} of ${report.commands.length + report.commandsDropped} runs)`) : ''
    section(`commands${older}`, commandRowsByName(report.commands, names, c))
  }
  if (mode === 'verbose') {
    section('spans', spanTree(report.spans).map(({ span: s, depth }) => [`${'  '.repeat(depth)}${s.name}`, formatDuration(s.duration), s.status === 'ok' ? '' : c(31, 'error')]))
  } else {
    const slowest = [...report.spans].sort((a, b) => b.duration - a.duration).slice(0, 5)
    section('slowest spans', slowest.map(s => [s.name, formatDuration(s.duration), s.status === 'ok' ? '' : c(31, 'error')]))
  }
  const lookups = lookupsOf(report.cache)
  // off for the run (--no-cache): every lookup misses by request, not `0 % hits` to worry about; said
  // when the command looked something up (a config with the cache off, its commands using none: no line)
  if (report.cache.enabled === false) {
    if (lookups > 0) section('cache', [[dim('off for this run (--no-cache, UNPERF_CACHE=0 or cache.enabled: false)')]])
  } else if (lookups > 0 || report.cache.sets > 0) {
    // a namespace only written to read `0 % hits  0/0` (a hit rate of nothing, which budgets do not judge)
    const row = (name: string, s: { hits: number; misses: number; stale: number; hitRate: number; sets: number }) => {
      const n = lookupsOf(s)
      const served = n ? `${s.hits + (s.stale ?? 0)}/${n}${s.stale ? ` (${s.stale} stale)` : ''}` : ''
      return [name, n ? `${(s.hitRate * 100).toFixed(0)} % hits` : 'no lookups', served, `${s.sets} set${s.sets === 1 ? '' : 's'}`]
    }
    const rows = [row('total', report.cache)]
    if (mode === 'verbose' || Object.keys(report.cache.namespaces).length > 1) {
      for (const [ns, s] of Object.entries(report.cache.namespaces)) rows.push(row(ns, s))
    }
    section('cache', rows)
  }
  const pools = mode === 'verbose' ? report.pools : report.pools.filter(p => p.completed + p.failed + (p.cancelled ?? 0) > 0)
  if (pools.length > 0) {
    section('pools', pools.map(p => [p.name, `${p.concurrency}${p.adaptive ? ' (adaptive)' : ''}`, `${p.completed} done`, `${p.failed} failed${p.cancelled ? `, ${p.cancelled} cancelled` : ''}`, `${p.retries} retries`]))
  }
  section('memory', [['peak rss', formatBytes(report.memory.peakRss), report.memory.trend.samples > 1 ? `heap ${report.memory.trend.direction}` : '']])
  const judged = report.budgets.filter(b => b.kind !== 'regression' && (b.status !== 'skip' || mode === 'verbose'))
  if (judged.length > 0) {
    const mark = (b: (typeof judged)[number]) => (b.status === 'pass' ? c(32, '✔') : b.status === 'fail' ? c(31, '✖') : dim('–'))
    section('budgets', judged.map(b => [`${mark(b)} ${b.budget}`, b.message.replace(`${b.budget}: `, '')]), true)
  }
  const regressions = report.budgets.filter(b => b.kind === 'regression')
  if (regressions.length > 0) section('regressions', regressions.map(b => [`${c(31, '✖')} ${b.command ?? b.budget}`, b.message]), true)
  // in the metric's unit (`memory.rss  firing  524 MB`), as `unperf monitor` shows it: the raw figure read 524288000
  if (report.alerts.length > 0) section('alerts', report.alerts.map(a => [a.metric, a.state, formatMetric(a.kind, a.value)]))
  if (report.files?.report) lines.push(dim(`report: ${report.files.report}`))
  return lines.join('\n') + '\n'
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '')
}

function pad(s: string, width: number, side: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - stripAnsi(s).length))
  return side === 'left' ? s + fill : fill + s
}
