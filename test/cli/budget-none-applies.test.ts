/**
 * `unperf budget` says "no budgets configured" only when the config has none. With budgets that
 * the last run gave nothing to judge (a command budget for `build` after a run of `lint`), or no
 * run recorded yet, it said so anyway: a CI log claiming the gate had nothing to check.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function project(budgets: string): string {
  const dir = tempDir('unperf-budget-none-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'budget-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false }, budgets: ${budgets} }`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run(process.argv[2], async () => {})
    await perf.close()`)
  return dir
}

const runApp = (dir: string, command: string) =>
  spawnSync(process.execPath, ['app.mjs', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })

describe('unperf budget with nothing to judge', () => {
  it('no run recorded: the error alone, not "no budgets configured" (exit 1)', () => {
    const dir = project(`{ startup: '60s', commands: { build: { duration: '60s' } } }`)
    const r = unperf(dir, 'budget')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no run recorded')
    expect(r.stdout).not.toContain('no budgets configured')
  })

  it('budgets that do not apply to the last run are named, with what it ran (exit 0)', () => {
    const dir = project(`{ commands: { build: { duration: '60s' } } }`)
    expect(runApp(dir, 'lint').status).toBe(0)
    const r = unperf(dir, 'budget')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('no budget applies to the last run (it ran lint; configured: budgets.commands.build)')
    expect(r.stdout).not.toContain('no budgets configured')
  })

  it('a run of many commands (a service): each name once, the line cut to a terminal width', () => {
    const dir = project(`{ commands: { build: { duration: '60s' } } }`)
    writeFileSync(join(dir, 'service.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      for (let i = 0; i < 200; i++) await perf.run(i % 2 ? 'GET /a' : 'GET /b', async () => {})
      for (let i = 0; i < 30; i++) await perf.run('route-' + i, async () => {})
      await perf.close()`)
    expect(spawnSync(process.execPath, ['service.mjs'], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } }).status).toBe(0)
    const r = unperf(dir, 'budget')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^no budget applies to the last run \(it ran GET \/b, GET \/a, route-0, .*, \+\d+ more; configured: budgets\.commands\.build\)\n$/)
    expect(r.stdout.length).toBeLessThan(160)
  })

  it('a report cut short: says it cannot be read, not that no run was recorded (exit 1)', () => {
    const dir = project(`{ startup: '60s' }`)
    expect(runApp(dir, 'lint').status).toBe(0)
    const reportDir = (unperf(dir, 'budget', '--json').json() as { report: string }).report
    const file = join(reportDir, 'report.json')
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40))
    const r = unperf(dir, 'budget')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`the last report (${file}) cannot be read`)
    expect(r.stderr).not.toContain('no run recorded')
    expect(unperf(dir, 'budget', '--json').json()).toMatchObject({ ok: false, error: { code: 'E_REPORT_UNREADABLE' } })
  })

  it('no budgets at all: "no budgets configured"', () => {
    const dir = project('{}')
    expect(runApp(dir, 'lint').status).toBe(0)
    expect(unperf(dir, 'budget').stdout).toContain('no budgets configured')
  })
})
