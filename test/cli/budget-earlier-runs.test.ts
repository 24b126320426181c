/**
 * `unperf budget` after a CI job that ran its commands in processes of their own (build, then lint):
 * the last report is lint's, and build's breach two processes earlier passed the gate. A command
 * budget of a command the last report did not run judges that command's newest run on this machine
 * (history.jsonl), of the same commit: a run of another commit (a runner keeping its cache dir
 * between jobs) is not judged again. Real child processes in a temp project, `.git/HEAD` written.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function project(): string {
  const dir = tempDir('unperf-budget-earlier-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'budget-earlier', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({
    cache: { driver: 'memory' }, report: { console: false },
    budgets: { regressions: false, commands: { build: { duration: 1 }, lint: { duration: '1m' } } },
  }))
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run(process.argv[2], () => new Promise(r => setTimeout(r, 20)))
    await perf.close()`)
  mkdirSync(join(dir, '.git'))
  return dir
}

const commit = (dir: string, sha: string) => writeFileSync(join(dir, '.git/HEAD'), `${sha.repeat(40)}\n`)
function host(dir: string, command: string, env: Record<string, string> = {}): void {
  const r = spawnSync(process.execPath, ['app.mjs', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), ...env } })
  expect(r.status, r.stderr).toBe(0) // 'warn' mode: the breach is the gate's to fail
}

it("judges the budget of a command an earlier process of the job ran (build's breach, lint last)", () => {
  const dir = project()
  commit(dir, 'a')
  host(dir, 'build')
  host(dir, 'lint')
  const gate = unperf(dir, 'budget', '--json')
  expect(gate.code, gate.stderr).toBe(1)
  const build = gate.json().budgets.find((b: { budget: string }) => b.budget === 'budgets.commands.build.duration')
  expect(build).toMatchObject({ status: 'fail', command: 'build', recordedAt: expect.any(String) })
  expect(build.message).toContain('(its last run, ended ')
  expect(gate.json().budgets.find((b: { budget: string }) => b.budget === 'budgets.commands.lint.duration')).toMatchObject({ status: 'pass' })
  const text = unperf(dir, 'budget')
  expect(text.code).toBe(1)
  expect(text.stdout).toMatch(/budgets\.commands\.build\.duration \(run of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\) .*✖ over by/)
})

it('leaves out the runs of another commit', () => {
  const dir = project()
  commit(dir, 'a')
  host(dir, 'build')
  commit(dir, 'b')
  host(dir, 'lint')
  const gate = unperf(dir, 'budget', '--json')
  expect(gate.code, gate.stderr).toBe(0)
  expect(gate.json().budgets.map((b: { budget: string }) => b.budget)).toEqual(['budgets.commands.lint.duration'])
})

it('a last run kept out of the history (UNPERF_HISTORY=0) is of the commit at HEAD', () => {
  const dir = project()
  commit(dir, 'a')
  host(dir, 'build')
  commit(dir, 'b')
  host(dir, 'lint', { UNPERF_HISTORY: '0' })
  const gate = unperf(dir, 'budget', '--json')
  expect(gate.code, gate.stderr).toBe(0)
  expect(gate.json().budgets.map((b: { budget: string }) => b.budget)).toEqual(['budgets.commands.lint.duration'])
})
