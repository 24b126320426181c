/**
 * A run that fails of a budget breach in a GitHub Actions job ('error' mode: exit 1) said why in a
 * line of the step's log alone; each breach is now an `::error` annotation on the run and the pull
 * request too. Not in 'warn' mode (a CLI installed in a user's project would annotate the user's
 * pull requests with its own budgets), not with `report.console: false` (nothing printed), not
 * outside GitHub Actions.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run('build', () => new Promise(r => setTimeout(r, 5)))
await perf.close()
`

function run(budgets: string, env: Record<string, string | undefined>, console = "'summary'") {
  const dir = projectWith(`export default { cache: { driver: 'memory' }, report: { console: ${console}, dir: './.perf' }, budgets: ${budgets} }`, { 'app.mjs': app })
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), NO_COLOR: '1', GITHUB_ACTIONS: undefined, ...env } })
  return { code: r.status, stderr: r.stderr, annotations: r.stderr.split('\n').filter(l => l.startsWith('::')) }
}

const over = "{ mode: 'error', memory: '100GB', commands: { build: { duration: 1 } } }"

describe('budget breaches of a run in a GitHub Actions job', () => {
  it("'error' mode: an ::error annotation per breach after the summary, none for a budget within its limit", () => {
    const r = run(over, { GITHUB_ACTIONS: 'true' })
    expect(r.code).toBe(1)
    expect(r.annotations).toHaveLength(1)
    expect(r.annotations[0]).toMatch(/^::error title=unperf \(life-cli\)::budgets\.commands\.build\.duration: [\d.]+ ms is over the budget of 1\.00 ms \(\+[\d.]+ ms\)$/)
    expect(r.stderr.indexOf('✖ budgets.commands.build.duration')).toBeLessThan(r.stderr.indexOf('::error'))
  })

  it("none in 'warn' mode, with report.console: false, or outside GitHub Actions", () => {
    expect(run(over.replace("'error'", "'warn'"), { GITHUB_ACTIONS: 'true' })).toMatchObject({ code: 0, annotations: [] })
    expect(run(over, { GITHUB_ACTIONS: 'true' }, 'false')).toMatchObject({ code: 1, annotations: [], stderr: '' })
    expect(run(over, {})).toMatchObject({ code: 1, annotations: [] })
  })
})
