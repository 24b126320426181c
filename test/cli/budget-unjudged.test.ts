/**
 * `unperf budget` when no budget applies to the last run: budgets.commands names commands the last
 * run did not run. It said 'no budgets configured', sending the user to a config that has them.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function project(budgets: string): string {
  const dir = tempDir('unperf-budget-unjudged-')
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

function runApp(dir: string, command: string): void {
  const r = spawnSync(process.execPath, ['app.mjs', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)
}

describe('unperf budget with no budget for the last run', { timeout: 60_000 }, () => {
  it('says which commands have budgets and what the last run ran; exit 0', () => {
    const dir = project(`{ commands: { build: { duration: '10s' }, 'cache clear': { memory: '1GB' } } }`)
    runApp(dir, 'lint')
    const r = unperf(dir, 'budget')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('no budgets configured')
    expect(r.stdout).toContain(`no budget applies to the last run (it ran 'lint'); budgets.commands has 'build', 'cache clear'`)
    expect(unperf(dir, 'budget', '--json').json()).toMatchObject({ ok: true, budgets: [] })
  })

  it('without any budget it still says none is configured', () => {
    const dir = project('{}')
    runApp(dir, 'lint')
    expect(unperf(dir, 'budget').stdout).toContain('no budgets configured')
  })
})
