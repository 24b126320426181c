/**
 * Writes into a report dir someone else could write to were refused, but `unperf report`,
 * `unperf budget` and the run's own budget judging still read history.jsonl and report.json from
 * it: someone else's planted lines decided the verdicts. Those reads now skip an unsafe dir with a
 * warning. A real planted dir: 0777 without the sticky bit (as the same user, enough to be unsafe).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeLine, type HistoryEntry } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const SLOW = 999_999

function project(): string {
  const dir = tempDir('unperf-unsafe-reads-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'planted-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }, budgets: { commands: { build: { duration: '10s', p95: '10s' } } } }`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', () => {})
    await perf.close()`)
  return dir
}

/** Someone else's lines and report in `<dir>/.perf`, a dir anyone can write to: every run of build took SLOW ms. */
function plant(dir: string): string {
  const perfDir = join(dir, '.perf')
  mkdirSync(perfDir, { recursive: true })
  const entry = (i: number): HistoryEntry => ({
    v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), runId: `planted${i}`, pid: 1, name: 'planted-cli', version: '1.0.0', env: 'development',
    commands: [{ name: 'build', duration: SLOW, memoryPeak: 1, status: 'ok' }], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [],
  })
  writeFileSync(join(perfDir, 'history.jsonl'), Array.from({ length: 8 }, (_, i) => encodeLine(entry(i))).join(''))
  // a report.json as unperf writes one (budget judges only a report it can read: last-report.ts)
  writeFileSync(join(perfDir, 'report.json'), JSON.stringify({
    schemaVersion: 1, name: 'planted-cli', version: '1.0.0', endedAt: new Date(Date.UTC(2026, 0, 1, 1)).toISOString(),
    commands: [{ name: 'build', status: 'ok', start: 0, duration: SLOW, memoryDelta: 0, memoryPeak: 1 }],
    startup: { total: 1, phases: [] }, memory: { peakRss: 1 }, cache: { hits: 0, misses: 0, hitRate: 0 }, budgets: [],
  }))
  chmodSync(perfDir, 0o777)
  return perfDir
}

const POSIX = typeof process.getuid === 'function'

describe.runIf(POSIX)('reads from a report dir anyone can write to', () => {
  it('unperf report leaves its history and last report out, with a warning (as with no run: exit 0)', () => {
    const dir = project()
    plant(dir)
    const r = unperf(dir, 'report', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ runs: 0, commands: [], last: null })
    expect(r.stderr).toMatch(/not reading the report dir .*\.perf: it is writable by everyone \(mode 777\), so someone else could have written what is in it/)
    const text = unperf(dir, 'report')
    expect(text.stdout).toContain('no runs recorded')
  })

  it('unperf budget does not judge its report: exit 1 as for no run, E_REPORT_DIR_UNSAFE', () => {
    const dir = project()
    plant(dir)
    const r = unperf(dir, 'budget', '--json')
    expect(r.code).toBe(1)
    const out = r.json() as { ok: boolean; report: string | null; budgets: unknown[]; error?: { code: string; message: string } }
    expect(out).toMatchObject({ ok: false, report: null, budgets: [], error: { code: 'E_REPORT_DIR_UNSAFE' } })
    expect(out.error!.message).toMatch(/writable by everyone/)
    expect(r.stderr).toMatch(/not reading the report dir/)
  })

  it('the run judges its budgets without that history (a warning), then writes into the dir made 0700', () => {
    const dir = project()
    const perfDir = plant(dir)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/not reading the report dir .*: the budgets are judged without its history/)
    expect(statSync(perfDir).mode & 0o777).toBe(0o700)
    const report = JSON.parse(readFileSync(join(perfDir, 'report.json'), 'utf8')) as { budgets: { budget: string; status: string }[] }
    expect(report.budgets.filter(b => b.budget.startsWith('budgets.commands.build')).map(b => [b.budget, b.status]))
      .toEqual([['budgets.commands.build.duration', 'pass'], ['budgets.commands.build.p95', 'pass']])
  })

  it('a safe dir is read as before', () => {
    const dir = project()
    chmodSync(plant(dir), 0o700)
    expect(unperf(dir, 'report', '--json').json()).toMatchObject({ runs: 8 })
    expect(unperf(dir, 'budget', '--json').json()).toMatchObject({ ok: false, budgets: expect.arrayContaining([expect.objectContaining({ budget: 'budgets.commands.build.duration', status: 'fail' })]) })
  })
})
