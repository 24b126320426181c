/**
 * A process SIGKILLed between writing a temp file and renaming it over its target (report.json,
 * trace.json, the history's cap rewrite, a config snapshot module built on a cold start): the next
 * runs work, and the temp file it left is removed (it was kept for good: one per such kill). The kill
 * is real: a preload kills the child at that rename (fixtures/kill-at-rename.cjs).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const killer = join(import.meta.dirname, 'fixtures/kill-at-rename.cjs')

function project(history: number): string {
  const dir = tempDir('unperf-killed-writer-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'killed-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf', trace: true, history: ${history} } }`)
  writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run('build', async () => {})
await perf.close()
console.log(JSON.stringify({ history: perf.config.report.history }))`)
  return dir
}

function run(dir: string, killAt?: string) {
  const r = spawnSync(process.execPath, [...(killAt ? ['--require', killer] : []), 'app.mjs'], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), ...(killAt && { KILL_AT_RENAME: killAt }) },
  })
  return { signal: r.signal, status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The temp files in `dir`, made old enough (a minute back) that no live writer can own them. */
function agedTempFiles(dir: string): string[] {
  const names = readdirSync(dir).filter(n => n.endsWith('.tmp'))
  const past = (Date.now() - 61_000) / 1000
  for (const name of names) utimesSync(join(dir, name), past, past)
  return names
}

const line = (i: number) => `${JSON.stringify({ v: 1, time: new Date(1_700_000_000_000 + i).toISOString(), runId: `old${i}`, pid: 1, name: 'killed-cli', version: '1.0.0', env: 'development', commands: [], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [] })}\n`

describe('a writer SIGKILLed between its temp file and the rename', () => {
  it('report.json, trace.json, the history rewrite: the next runs write them; the temp files left are removed by the next history rewrite', () => {
    const dir = project(2)
    const perf = join(dir, '.perf')
    expect(run(dir).status).toBe(0)
    for (const target of ['report.json', 'trace.json']) expect(run(dir, target).signal).toBe('SIGKILL')
    // 12 lines: the next append passes the cap's rewrite point (2 + 10): that run's rewrite is killed
    writeFileSync(join(perf, 'history.jsonl'), Array.from({ length: 12 }, (_, i) => line(i)).join(''))
    expect(run(dir, 'history.jsonl').signal).toBe('SIGKILL')
    const left = agedTempFiles(perf)
    expect(left.map(n => n.split('.').slice(0, 2).join('.')).sort()).toEqual(['history.jsonl', 'report.json', 'trace.json'])

    // the next run: its append finds the file still past the rewrite point, rewrites it, and removes them
    expect(run(dir).status).toBe(0)
    expect(readdirSync(perf).sort()).toEqual(['history-summary.bin', 'history.jsonl', 'report.json', 'trace.json'])
    JSON.parse(readFileSync(join(perf, 'report.json'), 'utf8'))
    JSON.parse(readFileSync(join(perf, 'trace.json'), 'utf8'))
    expect(readFileSync(join(perf, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2)
  }, 60_000)

  it('a cold start killed while writing the config snapshot: the next run loads the config, rebuilds the snapshot, removes the temp file', () => {
    const dir = project(7)
    const killed = run(dir, 'main-')
    expect(killed.signal).toBe('SIGKILL')
    const snapshots = join(dir, 'node_modules/.cache/unperf/config')
    expect(agedTempFiles(snapshots)).toHaveLength(1)

    const next = run(dir)
    expect(next.status, next.stderr).toBe(0)
    expect(JSON.parse(next.stdout)).toEqual({ history: 7 })
    const names = readdirSync(snapshots)
    expect(names.filter(n => n.endsWith('.tmp'))).toEqual([])
    expect(names.some(n => n.startsWith('manifest-'))).toBe(true)
  }, 60_000)
})
