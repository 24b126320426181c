/**
 * A host CLI whose perf.config lives in its own package (rootDir) and that runs in a user's project
 * (cwd): its reports and cache scope are the project's. `--root-dir` points the unperf CLI at the
 * host's config while `--cwd` names the project, so report, budget, cache and config find that run.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bin } from '../helpers/unperf-cli.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function setup() {
  const home = tempDir('unperf-root-dir-')
  const tool = join(home, 'tool')
  const project = join(home, 'project')
  mkdirSync(tool)
  mkdirSync(project)
  writeFileSync(join(tool, 'package.json'), JSON.stringify({ name: 'the-tool', version: '2.0.0', type: 'module' }))
  writeFileSync(join(tool, 'perf.config.mjs'), `export default { cache: { driver: 'fs' }, report: { console: false }, budgets: { commands: { go: { duration: '1ms' } } } }`)
  writeFileSync(join(tool, 'cli.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf({ rootDir: import.meta.dirname })
    await perf.run('go', async () => { await perf.cache.set('k', 'v'); await new Promise(r => setTimeout(r, 5)) })
    await perf.close()`)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-project', version: '1.0.0' }))
  const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(home, '.xdg') }
  const r = spawnSync(process.execPath, [join(tool, 'cli.mjs')], { cwd: project, env, encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  const unperf = (...args: string[]) => {
    const p = spawnSync(process.execPath, [bin, ...args], { cwd: project, env, encoding: 'utf8', timeout: 60_000 })
    return { code: p.status, stdout: p.stdout, stderr: p.stderr, json: () => JSON.parse(p.stdout) }
  }
  return { home, tool, project, unperf }
}

/** Each test runs the unperf CLI as child processes, up to ten: 21 s at load 8, past the default 30 s at load 15 and more. */
const CHILD_RUNS = { timeout: 120_000 }

describe('unperf --root-dir: the host CLI\'s config, the project\'s runs', CHILD_RUNS, () => {
  it('report, budget, cache list and config find the run the tool made in the project', () => {
    const { tool, unperf } = setup()
    const report = unperf('report', '--root-dir', '../tool', '--json').json()
    expect(report.runs).toBe(1)
    expect(report.commands.map((c: { command: string }) => c.command)).toEqual(['go'])
    const budget = unperf('budget', '--root-dir', '../tool', '--json')
    expect(budget.code).toBe(1)
    expect(budget.json().budgets).toEqual([expect.objectContaining({ budget: 'budgets.commands.go.duration', status: 'fail' })])
    expect(unperf('cache', 'list', '--root-dir', '../tool', '--json').json()).toEqual([expect.objectContaining({ namespace: 'default', key: 'k' })])
    expect(unperf('config', '--root-dir', '../tool', '--json').json().config).toMatchObject({ name: 'the-tool', rootDir: tool })
    // the camelCase spelling too; a relative --root-dir is taken from --cwd
    expect(unperf('report', '--rootDir', '../tool', '--json').json().runs).toBe(1)
    expect(unperf('report', '--cwd', '../project', '--root-dir', '../tool', '--json').json().runs).toBe(1)
  })

  it('without it, the project has no config and no runs of its own; init writes into --root-dir', () => {
    const { unperf, project, home } = setup()
    expect(unperf('report', '--json').json().runs).toBe(0)
    expect(unperf('config', '--json').json().config).toMatchObject({ name: 'a-project' })
    mkdirSync(join(home, 'other-tool'))
    const init = unperf('init', '--root-dir', '../other-tool', '--json')
    expect(init.code, init.stderr).toBe(0)
    expect(init.json().file).toBe(join(home, 'other-tool', 'perf.config.ts'))
    expect(existsSync(join(project, 'perf.config.ts'))).toBe(false)
    // a --root-dir that is not there: bad usage, as a missing --cwd
    const typo = unperf('report', '--root-dir', '../nope', '--json')
    expect(typo.code).toBe(2)
    expect(typo.json().error).toMatchObject({ name: 'UsageError', message: expect.stringContaining('--root-dir') })
  })
})
