/**
 * `unperf budget`'s row of a regression says what it was judged against. It said `✖ over by 1.07 s`
 * beside a limit of 464 ms, which a CI log reader could not tell from a budget: the threshold came
 * from the history, and the median and the runs it is over were in `--json` only. The regression
 * result carries them as fields (`baseline`, `baselineRuns`, `runs`), which the row reads; the
 * message of a report.json an older unperf wrote is read as before. Real child processes in a temp
 * project.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

it('the regression row names the median and the runs it was judged against', () => {
  const dir = projectWith(`export default { cache: { driver: 'memory' }, report: { console: false } }`, { 'app.mjs': `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', () => new Promise(r => setTimeout(r, Number(process.argv[2]))))
    await perf.close()` }, 'regression-row')
  mkdirSync(join(dir, 'node_modules'))
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
  for (const ms of ['20', '20', '20', '20', '20', '1500']) expect(spawnSync(process.execPath, ['app.mjs', ms], { cwd: dir, env }).status).toBe(0)
  const text = unperf(dir, 'budget')
  expect(text.code).toBe(1)
  expect(text.stdout).toMatch(/^regression\.build +1\.5\d s +\d+(\.\d+)? ms +✖ over by 1\.\d+ s: \d+ % slower than its median of \d+(\.\d+)? ms over 5 runs$/m)
})

it("the row reads the result's fields (a report.json's own verdict, the shared history down), an older report's message when it has none", () => {
  const config = (historyDriver: string) => `export default { cache: { driver: 'memory' }, report: { console: false, dir: '.perf'${historyDriver} } }`
  const dir = projectWith(config(''), { 'app.mjs': `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    for (const ms of process.argv.slice(2)) await perf.run('build', () => new Promise(r => setTimeout(r, Number(ms))))
    await perf.close()` }, 'regression-fields')
  mkdirSync(join(dir, 'node_modules'))
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
  for (const ms of [['20'], ['20'], ['20'], ['20'], ['20'], ['1500', '1500', '1500']]) expect(spawnSync(process.execPath, ['app.mjs', ...ms], { cwd: dir, env }).status).toBe(0)
  const file = join(dir, '.perf/report.json')
  const report = JSON.parse(readFileSync(file, 'utf8')) as { budgets: { kind: string; actual: number; baseline?: number; baselineRuns?: number; runs?: number; message: string }[] }
  const own = report.budgets.find(b => b.kind === 'regression')!
  expect(own).toMatchObject({ baselineRuns: 5, runs: 3 })
  const baseline = own.baseline!
  expect(baseline).toBeGreaterThanOrEqual(20)
  expect(baseline).toBeLessThan(500)
  const against = `${(((own.actual - baseline) / baseline) * 100).toFixed(0)} % slower than its median of`
  // the shared history unreadable at the gate (port 1 refuses): the run's own verdict stands, its row from its fields
  writeFileSync(join(dir, 'perf.config.mjs'), config(`, historyDriver: { driver: 'redis', url: 'redis://127.0.0.1:1' }`))
  own.message = "'build' took 1.50 s (median of its 3 runs)" // a wording that does not say what it was judged against
  writeFileSync(file, JSON.stringify(report))
  const row = () => unperf(dir, 'budget').stdout.split('\n').find(l => l.startsWith('regression.build'))
  const gate = unperf(dir, 'budget', '--json')
  expect(gate.stderr).toMatch(/report\.historyDriver could not be read/)
  expect(gate.json().budgets.find((b: { kind: string }) => b.kind === 'regression').message).toContain('(as the run judged it')
  expect(row()).toMatch(new RegExp(`✖ over by \\S+ s: ${against} \\S+ ms over 5 runs$`))
  // a report.json of an older unperf: no fields, what it was judged against in its message alone
  delete own.baseline
  delete own.baselineRuns
  delete own.runs
  own.message = "'build' took 1.50 s (median of its 3 runs), 7400 % slower than its median of 20.0 ms over 5 runs (threshold 21.0 ms)"
  writeFileSync(file, JSON.stringify(report))
  expect(row()).toMatch(/✖ over by \S+ s: 7400 % slower than its median of 20\.0 ms over 5 runs$/)
}, 60_000)
