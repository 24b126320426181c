/**
 * `unperf budget`, the CI gate, in a job with `CI` set but without `PERF_ENV=ci`: the config's `$env.ci`
 * block (its budgets, `budgets.mode`, the shared `historyDriver`) is not applied to what it judges.
 * `unperf config` and `doctor` warned of it; the gate, which every CI job runs, said nothing, and passed
 * on the budgets outside the block. It warns on stderr now (stdout, `--json` included, unchanged).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperfWithEnv } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function project(): string {
  const dir = tempDir('unperf-budget-ci-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'budget-ci', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false }, budgets: { commands: { build: { duration: '60s' } } }, $env: { ci: { budgets: { commands: { build: { duration: '1ms' } } } } } }`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', () => new Promise(r => setTimeout(r, 20)))
    await perf.close()`)
  spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PERF_ENV: undefined, NODE_ENV: undefined, CI: 'true', XDG_CACHE_HOME: join(dir, '.xdg') } })
  return dir
}

describe('unperf budget with CI set and the env not ci', () => {
  it('warns that the $env.ci block is not applied (text and --json: on stderr); with PERF_ENV=ci, no warning and the block judges', () => {
    const dir = project()
    const off = { CI: 'true', PERF_ENV: undefined, NODE_ENV: undefined }
    for (const args of [['budget'], ['budget', '--json']]) {
      const r = unperfWithEnv(dir, off, ...args)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toMatch(/\[unperf\] warning: CI=true but the env is 'production' .*\$env\.ci block is not applied.*set PERF_ENV=ci in the CI job/)
      if (args.includes('--json')) expect(r.json().ok).toBe(true)
    }
    const ci = unperfWithEnv(dir, { ...off, PERF_ENV: 'ci' }, 'budget')
    expect(ci.stderr).not.toContain('is not applied')
    // the block's 1 ms budget: the gate fails, as the job meant it to
    expect(ci.code).toBe(1)
    // --env chosen on purpose, or no CI: nothing to say
    expect(unperfWithEnv(dir, off, 'budget', '--env', 'production').stderr).not.toContain('is not applied')
    expect(unperfWithEnv(dir, { CI: undefined, PERF_ENV: undefined }, 'budget').stderr).not.toContain('is not applied')
  }, 60_000)
})
