/**
 * `unperf report` gives each command the verdict its run got (budgets.ts): failed runs are neither
 * judged nor a reference for the regression rule, `budgets.regressions: false` turns it off, and
 * a bad `--last` is a usage error; `--last` shortens --json's `recent` alone.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeLine, type HistoryEntry } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'


function entry(i: number, duration: number, status: 'ok' | 'error'): HistoryEntry {
  return {
    v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), runId: `run${i}`, pid: 1000 + i, name: 'verdict-fixture', version: '1.0.0', env: 'production',
    commands: [{ name: 'build', duration, memoryPeak: 50e6, status }], cache: { hitRate: 0, lookups: 0 }, peakRss: 50e6, budgetsFailed: [],
  }
}

function project(config: string, runs: [number, 'ok' | 'error'][]): string {
  const dir = tempDir('unperf-report-verdict-')
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, '.perf'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'verdict-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), config)
  writeFileSync(join(dir, '.perf/history.jsonl'), runs.map(([d, s], i) => encodeLine(entry(i, d, s))).join(''))
  return dir
}

type Row = { command: string; regression: boolean; status: string; median: number; failed: number }

/** Each test runs the unperf CLI as child processes, up to ten: 21 s at load 8, past the default 30 s at load 15 and more. */
const CHILD_RUNS = { timeout: 120_000 }

describe('unperf report verdicts', CHILD_RUNS, () => {
  const steady: [number, 'ok' | 'error'][] = [[100, 'ok'], [102, 'ok'], [98, 'ok'], [101, 'ok'], [99, 'ok'], [100, 'ok']]

  it('the trend column needs 4 successful runs: fewer show – (not +0 %)', () => {
    const few = project(`export default { report: { console: false, dir: '.perf' } }`, [[1000, 'ok'], [10, 'ok']])
    expect(unperf(few, 'report').stdout).toMatch(/build +2 +\S+ ms +10\.0 ms +– +ok/)
    const enough = project(`export default { report: { console: false, dir: '.perf' } }`, [[100, 'ok'], [100, 'ok'], [50, 'ok'], [50, 'ok']])
    expect(unperf(enough, 'report').stdout).toMatch(/build +4 .* -50 % +ok/)
  })

  it('cold first runs do not make the trend read -90 % beside a regression: they are left out of it and named; text, --json and --html say the same', () => {
    // two cold starts (3 s), warm runs at ~200 ms, then a real regression (400 ms)
    const runs: [number, 'ok' | 'error'][] = [[3000, 'ok'], [3000, 'ok'], [200, 'ok'], [201, 'ok'], [199, 'ok'], [202, 'ok'], [198, 'ok'], [400, 'ok']]
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, runs)
    const row = unperf(dir, 'report', '--json').json().commands[0]
    expect(row).toMatchObject({ regression: true, coldRuns: 2, trendRuns: 6, baseline: 201, threshold: expect.any(Number) })
    // the median covers the runs the trend does: the cold starts (3 s) would have pulled it to 201.5 ms
    expect(row).toMatchObject({ median: 200.5, medianRuns: 6 })
    expect(row.trend).toBeCloseTo(202 / 200 - 1, 5) // the warm runs' halves: [200, 201, 199] and [202, 198, 400]
    expect(row.change).toBeCloseTo(400 / 201 - 1, 5)
    const text = unperf(dir, 'report').stdout
    expect(text).toMatch(/build +8 +201 ms +400 ms +\+1 % +regression \(\+99 % vs 201 ms\)/)
    expect(text).toContain('median and trend of build: its first 2 runs left out (cold starts')
    const html = unperf(dir, 'report', '--html', 'r.html')
    expect(html.code, html.stderr).toBe(0)
    const page = readFileSync(join(dir, 'r.html'), 'utf8')
    expect(page).toContain('<td>+1 %</td><td class="bad">regression (+99 % vs 201 ms)</td>')
    expect(page).toContain('median and trend of build: its first 2 runs left out')
    // slow from the start and for longer than a few runs (the code got faster): a trend, not cold starts
    const faster = project(`export default { report: { console: false, dir: '.perf' } }`, [...Array(8).fill([400, 'ok']), ...Array(8).fill([200, 'ok'])])
    expect(unperf(faster, 'report', '--json').json().commands[0]).toMatchObject({ coldRuns: 0, trendRuns: 16, trend: -0.5, regression: false })
    // one cold start in 4 runs: too few for a trend (–), but the median leaves it out all the same, and says so
    const short = project(`export default { report: { console: false, dir: '.perf' } }`, [[5000, 'ok'], [100, 'ok'], [104, 'ok'], [102, 'ok']])
    expect(unperf(short, 'report', '--json').json().commands[0]).toMatchObject({ coldRuns: 1, median: 102, medianRuns: 3, trendRuns: 3 })
    const shortText = unperf(short, 'report').stdout
    expect(shortText).toMatch(/build +4 +102 ms +102 ms +– +ok/)
    expect(shortText).toContain('median and trend of build: its first run left out (cold start: ')
  })

  it('a slow run that failed is not a regression: it is shown as failed, like the run judged it', () => {
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, [...steady, [5000, 'error']])
    const row = (unperf(dir, 'report', '--json').json().commands as Row[])[0]!
    expect(row).toMatchObject({ command: 'build', regression: false, status: 'error', failed: 1, median: 100 })
    const text = unperf(dir, 'report')
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/build .* failed/)
  })

  it("a failed latest run shows what it ended with (the history line keeps the error's name and message); a malformed one is left out", () => {
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, steady)
    const failed = { ...entry(9, 80, 'error'), runId: 'failed' }
    failed.commands = [{ ...failed.commands[0]!, error: { name: 'TypeError', message: 'cannot read x\nof undefined' } }, { name: 'lint', duration: 5, memoryPeak: 1, status: 'error', error: 'not an object' as never }]
    writeFileSync(join(dir, '.perf/history.jsonl'), steady.map(([d, s], i) => encodeLine(entry(i, d, s))).join('') + encodeLine(failed))
    const rows = unperf(dir, 'report', '--json').json().commands as Array<Row & { error?: unknown }>
    expect(rows.find(r => r.command === 'build')).toMatchObject({ status: 'error', error: { name: 'TypeError', message: 'cannot read x\nof undefined' } })
    expect(rows.find(r => r.command === 'lint')!.error).toBeUndefined()
    const text = unperf(dir, 'report')
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('✖ build: TypeError: cannot read x of undefined')
    expect(text.stdout).not.toContain('lint:')
  })

  it('failed runs are no reference: fast failures do not make the next normal run a regression', () => {
    const fastFailures: [number, 'ok' | 'error'][] = Array.from({ length: 8 }, () => [2, 'error'])
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, [...steady, ...fastFailures, [103, 'ok']])
    expect((unperf(dir, 'report', '--json').json().commands as Row[])[0]).toMatchObject({ regression: false, status: 'ok' })
    // a real slowdown still is one
    const slow = project(`export default { report: { console: false, dir: '.perf' } }`, [...steady, ...fastFailures, [400, 'ok']])
    expect((unperf(slow, 'report', '--json').json().commands as Row[])[0]).toMatchObject({ regression: true })
    expect(unperf(slow, 'report').stdout).toContain('regression')
    // budgets.regressions: false turns the rule off here too
    const off = project(`export default { report: { console: false, dir: '.perf' }, budgets: { regressions: false } }`, [...steady, [400, 'ok']])
    expect((unperf(off, 'report', '--json').json().commands as Row[])[0]).toMatchObject({ regression: false })
  })

  it('--html makes missing directories; a path that is a directory exits 2 naming it', () => {
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, steady)
    const ok = unperf(dir, 'report', '--html', 'out/nested/report.html', '--json')
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json().file).toBe(join(dir, 'out/nested/report.html'))
    // --json with --html is the report's document, the page's path added: the commands are not lost
    expect(ok.json()).toMatchObject({ runs: 6, commands: [{ command: 'build', runs: 6, status: 'ok' }], last: null })
    const bad = unperf(dir, 'report', '--html', 'out', '--json')
    expect(bad.code).toBe(2)
    expect(bad.json().error.message).toContain(`--html ${join(dir, 'out')}: cannot be written: it is a directory`)
  })

  it('--last must be a positive integer', () => {
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, steady)
    for (const bad of ['x', '0', '-2']) {
      const r = unperf(dir, 'report', '--last', bad, '--json')
      expect(r.code, bad).toBe(2)
      expect(r.json().error.message).toContain('--last')
    }
    expect((unperf(dir, 'report', '--last', '2', '--json').json().commands as { recent: unknown[] }[])[0]!.recent).toHaveLength(2)
  })

  // the help said 'Runs per command': `unperf report --last 3` read as "the last 3 runs", and the
  // table did not change (its figures are over every recorded run, docs/cli.md)
  it("--last is --json's recent list alone, as its help says: the table is the same", () => {
    const dir = project(`export default { report: { console: false, dir: '.perf' } }`, steady)
    expect(unperf(dir, 'report', '--last', '1').stdout).toBe(unperf(dir, 'report').stdout)
    const help = unperf(dir, 'report', '--help').stdout.split('\n').find(line => line.includes('--last'))
    expect(help).toMatch(/--json.*recent.*table.*every recorded run/)
  })
})
