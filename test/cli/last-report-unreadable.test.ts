/**
 * A report.json `unperf budget` and `unperf report` cannot judge: written by another version of
 * unperf (`schemaVersion: 2`, two copies: the CLI's own and a global one) or missing a field they
 * read. Both failed with `[unperf] Cannot read properties of undefined (reading 'hits')` (budget) or
 * `(reading 'phases')` (report --html). Now `budget` says the report cannot be read and why
 * (E_REPORT_UNREADABLE, exit 1), and `report` leaves it out with a warning (exit 0). The real CLI
 * (dist) as a child process; a real run's report still judged.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('a last report.json unperf cannot judge', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['another schemaVersion', { schemaVersion: 2, commands: [], runs: {} }, /schemaVersion 2: this unperf \(.+\) reads schemaVersion 1/],
    ['a field missing', { schemaVersion: 1, endedAt: '2026-01-01T00:00:00.000Z', commands: [{ name: 'build', status: 'ok', duration: 5, memoryPeak: 1 }], startup: { total: 1, phases: [] }, memory: { peakRss: 1 }, budgets: [] }, /not a report of this unperf: cache: expected \{ hits, misses, hitRate \}/],
  ]
  for (const [what, report, reason] of cases) {
    it(`${what}: budget says it cannot be read (exit 1), report leaves it out (exit 0)`, () => {
      const dir = projectWith(`export default { report: { console: false, dir: './.perf' }, budgets: { cacheHitRate: 0.5, startup: '10s' } }`, {}, 'last-report-cli')
      mkdirSync(join(dir, '.perf'), { mode: 0o700 })
      writeFileSync(join(dir, '.perf/report.json'), JSON.stringify(report), { mode: 0o600 })
      const budget = unperf(dir, 'budget', '--json')
      expect(budget.code).toBe(1)
      expect(budget.stderr).not.toMatch(/Cannot read properties|TypeError/)
      const error = (budget.json() as { error: { code: string; message: string } }).error
      expect(error.code).toBe('E_REPORT_UNREADABLE')
      expect(error.message).toMatch(reason)
      const page = unperf(dir, 'report', '--html', 'out.html', '--json')
      expect(page.code, page.stderr).toBe(0)
      expect(page.stderr).not.toMatch(/Cannot read properties|TypeError/)
      expect(page.stderr).toMatch(/\[unperf\] the last report \(.+report\.json\) cannot be read \(.+\): left out/)
      expect(page.stderr).toMatch(reason)
      expect((page.json() as { last: unknown }).last).toBeNull()
      expect(readFileSync(join(dir, 'out.html'), 'utf8')).toContain('<h1>unperf report')
    })
  }

  it("a real run's report is judged as before", () => {
    const dir = projectWith(`export default { report: { console: false, dir: './.perf' }, budgets: { startup: '10s' } }`, {
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}\nconst perf = await createPerf()\nawait perf.run('go', async () => {})\nawait perf.close()\n`,
    }, 'last-report-cli')
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.status, app.stderr).toBe(0)
    const budget = unperf(dir, 'budget', '--json')
    expect(budget.code, budget.stderr).toBe(0)
    expect((budget.json() as { budgets: { budget: string; status: string }[] }).budgets).toMatchObject([{ budget: 'budgets.startup', status: 'pass' }])
    const page = unperf(dir, 'report', '--json')
    expect(page.stderr).toBe('')
    expect((page.json() as { last: { schemaVersion: number } }).last.schemaVersion).toBe(1)
  })
})
