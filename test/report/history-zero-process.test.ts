/**
 * `report.history: 0` keeps no runs, and a run does no history work: it read the history's tail,
 * appended its line under the lock and rewrote the file to 0 lines at every exit (+44 kB of young
 * generation a warm run, bench/results/startup.md session 30), so a user who set 0 to make runs
 * lighter made them heavier. Now nothing is read, appended or rewritten: a history file already
 * there is left as it is (bytes, inode and mtime), no history-summary.bin is made, no regression is
 * judged (nothing to judge against), and report.json is written, which `unperf report` and `unperf
 * budget` read. Real child processes over the built package.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function host(): string {
  const dir = tempDir('unperf-history-zero-process-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'history-zero', version: '1.0.0', type: 'module' }))
  // a p95 budget asks for the whole history when there is one (history-summary.ts 'all')
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false, dir: './.perf', history: 0 }, budgets: { commands: { build: { p95: '1h' } } } }))
  // 30 ms: a regression against the 1 ms runs below, were they judged
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', () => new Promise(r => setTimeout(r, 30)))
    await perf.close()`)
  return dir
}

const run = (dir: string) => spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })

it('report.history: 0 reads, appends and rewrites no history: a history file there is left as it is, none is made; report.json is written and read by unperf report and budget', () => {
  const dir = host()
  const reports = join(dir, '.perf')
  mkdirSync(reports, { mode: 0o700 })
  // six earlier runs of `build` at 1 ms, from when the history was kept
  const lines = Array.from({ length: 6 }, (_, i) => JSON.stringify({
    v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), runId: `r${i}`, pid: 100 + i, name: 'history-zero', version: '1.0.0', env: 'production',
    commands: [{ name: 'build', duration: 1, memoryPeak: 1, status: 'ok' }], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [],
  }) + '\n').join('')
  const history = join(reports, 'history.jsonl')
  writeFileSync(history, lines, { mode: 0o600 })
  // an mtime in the past: any write, even of the same bytes, moves it
  utimesSync(history, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'))
  const before = statSync(history)

  for (let i = 0; i < 3; i++) {
    const r = run(dir)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
  }
  const after = statSync(history)
  expect(readFileSync(history, 'utf8')).toBe(lines)
  expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs])
  expect(existsSync(join(reports, 'history-summary.bin'))).toBe(false)
  expect(existsSync(join(reports, 'history.jsonl.lock'))).toBe(false)

  const report = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as { files: Record<string, string>; budgets: { kind: string; status: string }[]; commands: { name: string; duration: number }[] }
  expect(report.files.history).toBeUndefined()
  expect(report.files.report).toBe(join(reports, 'report.json'))
  expect(report.commands[0]!.duration).toBeGreaterThan(25)
  // the p95 over this run's own duration; no regression judged against the 1 ms runs left in the file
  expect(report.budgets.map(b => [b.kind, b.status])).toEqual([['p95', 'pass']])

  const budget = unperf(dir, 'budget', '--json')
  expect(budget.code, budget.stderr).toBe(0)
  expect(budget.json()).toMatchObject({ ok: true })
  // no runs to show, said as such; the last run from report.json
  const shown = unperf(dir, 'report')
  expect(shown.code, shown.stderr).toBe(0)
  expect(shown.stdout).toContain(`no runs kept: report.history is 0; the last run's report is ${join(reports, 'report.json')}`)
  const json = unperf(dir, 'report', '--json')
  expect(json.code, json.stderr).toBe(0)
  expect(json.json()).toMatchObject({ runs: 0, commands: [], last: { commands: [{ name: 'build' }] } })
})

it('report.history: 0 with no history file: none is made', () => {
  const dir = host()
  for (let i = 0; i < 2; i++) {
    const r = run(dir)
    expect(r.status, r.stderr).toBe(0)
  }
  expect(existsSync(join(dir, '.perf/report.json'))).toBe(true)
  expect(existsSync(join(dir, '.perf/history.jsonl'))).toBe(false)
  expect(existsSync(join(dir, '.perf/history-summary.bin'))).toBe(false)
})
