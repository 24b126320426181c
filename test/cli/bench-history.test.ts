/**
 * `unperf bench` and `unperf profile` of a CLI that uses unperf: the runs they make are not added to
 * that CLI's history. Every bench run, warm-ups included, was recorded: a bench without `--runs` (up
 * to 1000 runs) replaced the real runs of a `report.history: 100`, and the budgets' p95 and the
 * regression baseline then came from the bench (a profiled run: from one slowed by the profiler).
 * They run their commands with `UNPERF_HISTORY=0` (unless the shell set it), which the runtime honours:
 * the run is judged and its report written, the history left as it was. Real child processes.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperfWithEnv } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function host(): { dir: string; runs: () => number; lastReport: () => { pid: number } } {
  const dir = tempDir('unperf-bench-history-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-history', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } }\n`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', () => 1)
    await perf.close()`)
  const history = join(dir, '.perf', 'history.jsonl')
  return {
    dir,
    runs: () => existsSync(history) ? readFileSync(history, 'utf8').split('\n').filter(Boolean).length : 0,
    lastReport: () => JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as { pid: number },
  }
}

const env = (dir: string) => ({ UNPERF_HISTORY: undefined, XDG_CACHE_HOME: join(dir, '.xdg') })

describe('runs made by bench and profile stay out of the CLI\'s history', () => {
  it('bench: its runs and warm-ups are not recorded, the report is written; UNPERF_HISTORY=1 in the shell records them', () => {
    const h = host()
    expect(spawnSync(process.execPath, ['app.mjs'], { cwd: h.dir, env: { ...process.env, ...env(h.dir) } }).status).toBe(0)
    expect(h.runs()).toBe(1)
    const first = h.lastReport().pid
    const r = unperfWithEnv(h.dir, env(h.dir), 'bench', '--runs', '3', '--warmup', '1', '--json', `${JSON.stringify(process.execPath)} app.mjs`)
    expect(r.code, r.stderr).toBe(0)
    expect(h.runs()).toBe(1)
    // each run still judged and reported: report.json is the bench's last run
    expect(h.lastReport().pid).not.toBe(first)
    // a user who wants them recorded says so
    expect(unperfWithEnv(h.dir, { ...env(h.dir), UNPERF_HISTORY: '1' }, 'bench', '--runs', '2', '--warmup', '0', '--json', `${JSON.stringify(process.execPath)} app.mjs`).code).toBe(0)
    expect(h.runs()).toBe(3)
  }, 60_000)

  it('profile: the profiled run is not recorded', () => {
    const h = host()
    const r = unperfWithEnv(h.dir, env(h.dir), 'profile', '--json', '--', process.execPath, 'app.mjs')
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(h.dir, '.perf', 'report.json'))).toBe(true)
    expect(h.runs()).toBe(0)
  }, 60_000)
})
