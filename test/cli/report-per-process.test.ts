/**
 * `unperf report`'s median, trend and cold starts take one figure a process (a history line): the
 * median of its successful runs of the command, as `latest` and the verdict do. Pooled over every
 * run, a process that ran the command a hundred times (a watch mode, a service's requests) filled
 * the median and both halves of the trend: a slowdown between sessions read +0 % beside its own
 * regression verdict, and the chart drew a process as its last run. Text, --json and --html; a CLI
 * (one run a process) is unchanged (report-verdict.test.ts). The real CLI on hand-written histories.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeLine, type HistoryEntry } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

/** A process (history line) `i` that ran `name` once per duration (`!` after one: that run failed). */
function processLine(i: number, name: string, durations: (number | string)[]): HistoryEntry {
  return {
    v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), runId: `p${i}`, pid: 1000 + i, name: 'per-process', version: '1.0.0', env: 'production',
    commands: durations.map(d => ({ name, duration: parseFloat(String(d)), memoryPeak: 1e6, status: String(d).endsWith('!') ? 'error' as const : 'ok' as const })),
    cache: { hitRate: 0, lookups: 0 }, peakRss: 1e6, budgetsFailed: [],
  }
}

function project(processes: (number | string)[][], name = 'GET /a'): string {
  const dir = tempDir('unperf-report-per-process-')
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, '.perf'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'per-process', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { report: { console: false, dir: '.perf' } }`)
  writeFileSync(join(dir, '.perf/history.jsonl'), processes.map((d, i) => encodeLine(processLine(i, name, d))).join(''))
  return dir
}

const times = <T,>(n: number, item: T): T[] => Array.from({ length: n }, () => item)

/** The commands' figures the --html page charts, one object a process. */
function chartPoints(page: string): Record<string, number>[] {
  const data = JSON.parse(/const DATA = (.*);\n/.exec(page)![1]!.replace(/\\u003c/g, '<')) as { history: { commands: Record<string, number> }[] }
  return data.history.map(h => h.commands)
}

/** Each test runs the unperf CLI as child processes, a few: allow for a loaded machine. */
const CHILD_RUNS = { timeout: 120_000 }

describe('unperf report, one figure a process', CHILD_RUNS, () => {
  it("a slowdown between sessions is the trend's, though one earlier process ran the command a hundred times", () => {
    // sessions at 100 ms, the fourth a service's 100 requests (its last one slow), then four at 200 ms
    const dir = project([[100], [100], [100], [...times(99, 100), 500], [200], [200], [200], [200]])
    const row = unperf(dir, 'report', '--json').json().commands[0]
    // pooled over the 107 runs, the fourth process's filled both halves: trend 0, median 100 ms
    expect(row).toMatchObject({ runs: 107, processes: 8, trend: 1, trendProcesses: 8, trendRuns: 107, median: 150, medianProcesses: 8, medianRuns: 107, coldProcesses: 0, coldRuns: 0 })
    // and the verdict says the same as the trend: 200 ms against the 100 ms before
    expect(row).toMatchObject({ latest: 200, latestRuns: 1, regression: true, baseline: 100 })
    const text = unperf(dir, 'report').stdout
    // the first line counts runs as the table does, and the processes they ran in (it said '8 runs': the history's lines)
    expect(text).toMatch(/^107 runs in 8 processes recorded in .+\.perf\n/)
    expect(unperf(dir, 'report', '--json').json()).toMatchObject({ runs: 107, processes: 8 })
    expect(text).toMatch(/^GET \/a +107 +150 ms +200 ms +\+100 % +regression \(\+100 % vs 100 ms\)$/m)
    expect(text).toContain('median and trend of GET /a: one figure a process, the median of its runs there (8 processes, 107 runs)')
    const html = unperf(dir, 'report', '--html', 'r.html')
    expect(html.code, html.stderr).toBe(0)
    expect(html.stdout).toMatch(/wrote .+r\.html \(107 runs in 8 processes\)/)
    const page = readFileSync(join(dir, 'r.html'), 'utf8')
    expect(page).toContain('<p>107 runs in 8 processes.')
    expect(page).toContain('<td>GET /a</td><td>107</td><td>150 ms</td><td>200 ms</td><td>+100 %</td><td class="bad">regression (+100 % vs 100 ms)</td>')
    expect(page).toContain('<p class="note">median and trend of GET /a: one figure a process')
    // the chart's point for the fourth process is its median, not its last request
    expect(chartPoints(page).map(c => c['GET /a'])).toEqual([100, 100, 100, 100, 200, 200, 200, 200])
    expect(page).toContain('<p class="note">one point a process: the median of its successful runs of each command</p>')
  })

  it('cold processes are left out whole: their many runs made the trend read -97 %', () => {
    // the first two processes after an install: 50 slow runs each; then eight of ten ordinary ones
    const dir = project([times(50, 3000), times(50, 3000), ...times(8, [...times(9, 100), 104])])
    const row = unperf(dir, 'report', '--json').json().commands[0]
    expect(row).toMatchObject({ runs: 180, processes: 10, coldProcesses: 2, coldRuns: 100, median: 100, medianProcesses: 8, medianRuns: 80, trend: 0, trendProcesses: 8 })
    const text = unperf(dir, 'report').stdout
    expect(text).toMatch(/^GET \/a +180 +100 ms +100 ms +\+0 % +ok$/m)
    expect(text).toContain("median and trend of GET /a: its first 2 processes (100 runs) left out (cold starts: each one's median slower than the regression threshold of the processes after)")
    expect(text).toContain('(8 processes, 80 runs)')
  })

  it('a process whose runs all failed has no figure; its failures still count in runs and failed', () => {
    const dir = project([times(10, 100), times(10, 100), times(10, 100), times(10, '5!'), times(10, 100)])
    const row = unperf(dir, 'report', '--json').json().commands[0]
    expect(row).toMatchObject({ runs: 50, failed: 10, processes: 5, median: 100, medianProcesses: 4, medianRuns: 40, trend: 0, trendProcesses: 4 })
    // too few processes for a trend: – and the note says why
    const few = project([times(10, 100), times(10, 102)])
    expect(unperf(few, 'report').stdout).toMatch(/^GET \/a +20 +101 ms +102 ms +– +ok$/m)
    expect(unperf(few, 'report').stdout).toContain('(2 processes, 20 runs; a trend needs 4)')
  })

  it('a CLI, one run a process: the same figures as over its runs, and no note', () => {
    const dir = project([[100], [102], [98], [101], [99], [100]], 'build')
    const row = unperf(dir, 'report', '--json').json().commands[0]
    expect(row).toMatchObject({ runs: 6, processes: 6, median: 100, medianRuns: 6, medianProcesses: 6, trendRuns: 6, trendProcesses: 6, coldRuns: 0, coldProcesses: 0 })
    expect(unperf(dir, 'report').stdout).not.toContain('one figure a process')
  })
})
