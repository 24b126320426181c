/**
 * A CLI's `budgets.files` name its own build output, relative to cwd; installed in a user's project,
 * its runs judged them there (cwd the user's project, the config in the CLI's package): "no file
 * matches 'dist/*.mjs'" at every run, exit 1 with `mode: 'error'`, or the user's files measured (and
 * compressed at each exit). A run in another project than the config's leaves them to `unperf budget`.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const repo = resolve(import.meta.dirname, '../..')
const built = existsSync(join(repo, 'dist/citty.mjs'))
const dist = join(import.meta.dirname, `.dist-file-budgets-${process.pid}`)
beforeAll(() => { if (built) cpSync(join(repo, 'dist'), dist, { recursive: true }) })
afterAll(() => rmSync(dist, { recursive: true, force: true }))

interface Result { budget: string; status: string; message: string }

/** A user's project with the CLI `acme` installed in its node_modules, its config budgeting its own dist/*.mjs (over the limit). */
function userProjectWithCli() {
  const user = tempDir('unperf-user-')
  writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0' }))
  const cli = join(user, 'node_modules/acme')
  mkdirSync(join(cli, 'bin'), { recursive: true })
  mkdirSync(join(cli, 'dist'))
  writeFileSync(join(cli, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
  writeFileSync(join(cli, 'dist/cli.mjs'), 'x'.repeat(2000))
  copyFileSync(join(repo, 'test/adapters/fixtures/citty-cli.mjs'), join(cli, 'bin/cli.mjs'))
  const reports = join(user, '.reports')
  writeFileSync(join(cli, 'perf.config.json'), JSON.stringify({
    cache: { driver: 'memory' }, report: { dir: reports, console: 'summary' },
    budgets: { mode: 'error', files: [{ path: 'dist/*.mjs', limit: 1000, compression: 'none' }] },
  }))
  const run = (cwd: string) => spawnSync(process.execPath, [join(cli, 'bin/cli.mjs'), 'ok'], {
    cwd, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, UNPERF_REPO: repo, UNPERF_DIST: dist, XDG_CACHE_HOME: join(user, '.xdg'), PERF_ENV: 'production', NO_COLOR: '1' },
  })
  const budgets = () => (JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as { budgets: Result[] }).budgets
  return { user, cli, run, budgets }
}

describe.skipIf(!built)('budgets.files at the end of a run', { timeout: 120_000 }, () => {
  it("in a user's project (cwd there, the config in the CLI's package): not judged, no exit 1, nothing printed of it", () => {
    const { user, cli, run, budgets } = userProjectWithCli()
    const r = run(user)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('budgets.files')
    const [file] = budgets()
    expect(file).toMatchObject({ budget: 'budgets.files[0]', status: 'skip' })
    expect(file!.message).toBe(`budgets.files[0]: not judged in ${user}, another project than the config's (${cli}): \`unperf budget\` in that one judges it`)
  })

  it("in the CLI's own project: judged, the breach exits 1 in 'error' mode; `unperf budget` there judges it too", () => {
    const { cli, run, budgets } = userProjectWithCli()
    const r = run(cli)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/✖ budgets\.files\[0\] +dist\/\*\.mjs \(1 file, none\): 2\.00 kB is over the budget of 1\.00 kB/)
    expect(budgets()[0]).toMatchObject({ status: 'fail' })
    const gate = unperf(cli, 'budget', '--json')
    expect(gate.code).toBe(1)
    expect((gate.json() as { budgets: Result[] }).budgets.find(b => b.budget === 'budgets.files[0]')).toMatchObject({ status: 'fail' })
  })
})
