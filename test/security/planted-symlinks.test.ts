/**
 * A cache home others can write to (XDG_CACHE_HOME=/tmp/...): someone who made unperf's dirs there
 * first plants symlinks under the names of its markers and history (`history.jsonl -> ~/.bashrc`).
 * unperf must never write through them: the dirs are refused (as the cache tiers refuse theirs)
 * and the in-place writes never follow a symlink. Real child processes on the built package.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { touchAndPruneScopes } from '../../src/runtime/cache/scope.js'
import { appendHistory } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const VICTIM_TEXT = 'export PATH=$HOME/bin:$PATH\n'

/** A project whose run caches a value and writes its report in the default (cache dir) place. */
function project(): string {
  const cwd = tempDir('unperf-plant-')
  writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
  writeFileSync(join(cwd, 'perf.config.mjs'), `export default { report: { console: false } }`)
  writeFileSync(join(cwd, 'run.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd() })
await perf.run('build', () => perf.cache.set('k', 'v'))
await perf.close()`)
  return cwd
}

function run(cwd: string, xdg: string) {
  const r = spawnSync(process.execPath, ['run.mjs'], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg, UNPERF_CODE_CACHE: '0' }, timeout: 60_000 })
  expect(r.status, r.stderr).toBe(0)
  return r
}

function victim(): string {
  const file = join(tempDir('unperf-victim-'), 'bashrc')
  writeFileSync(file, VICTIM_TEXT)
  return file
}

/** Every file and dir under `dir`, relative. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
}

describe('symlinks planted in a shared cache home', () => {
  it('a world-writable cache root holding symlinks under every marker and report name: nothing written through them, a warning names the report dir', () => {
    const cwd = project()
    // the names a run uses, from a clean cache home
    const clean = tempDir('unperf-xdg-clean-')
    run(cwd, clean)
    const names = tree(join(clean, 'acme'))
    const files = names.filter(n => statSync(join(clean, 'acme', n)).isFile() && !n.endsWith('.e'))
    expect(files.some(f => f.endsWith('history.jsonl'))).toBe(true)
    expect(files.some(f => f.endsWith('.last-used'))).toBe(true)
    expect(files).toContain('.last-scope-prune')

    // the same layout, made first by someone else: dirs 0777, each file a symlink to the victim
    const xdg = tempDir('unperf-xdg-shared-')
    const target = victim()
    for (const n of names.filter(n => statSync(join(clean, 'acme', n)).isDirectory())) mkdirSync(join(xdg, 'acme', n), { recursive: true })
    for (const f of files) symlinkSync(target, join(xdg, 'acme', f))
    for (const n of ['', ...names.filter(n => statSync(join(clean, 'acme', n)).isDirectory())]) chmodSync(join(xdg, 'acme', n), 0o777)

    const r = run(cwd, xdg)
    expect(readFileSync(target, 'utf8')).toBe(VICTIM_TEXT)
    expect(statSync(target).mode & 0o777).toBe(0o644 & ~process.umask())
    for (const f of files) expect(lstatSync(join(xdg, 'acme', f)).isSymbolicLink(), f).toBe(true)
    expect(r.stderr).toMatch(/refusing the report dir .*writable by everyone/)
    // nothing of this run's left in the dirs someone else can write to
    for (const n of tree(join(xdg, 'acme'))) {
      const st = lstatSync(join(xdg, 'acme', n))
      if (st.isFile()) expect.fail(`${relative(xdg, join(xdg, 'acme', n))} was written into a world-writable dir`)
    }
  })

  it('a report dir of the user\'s own made by hand under umask 002 (0775) is made 0700 and written; another user\'s is refused', () => {
    const cwd = project()
    writeFileSync(join(cwd, 'perf.config.mjs'), `export default { report: { console: false, dir: './.perf' } }`)
    mkdirSync(join(cwd, '.perf'))
    chmodSync(join(cwd, '.perf'), 0o775)
    const r = run(cwd, tempDir('unperf-xdg-'))
    expect(r.stderr).toBe('')
    expect(statSync(join(cwd, '.perf')).mode & 0o777).toBe(0o700)
    expect(readdirSync(join(cwd, '.perf')).sort()).toEqual(['history-summary.bin', 'history.jsonl', 'report.json', 'trace.json'])
    if (process.getuid?.() !== 0) return
    const other = project()
    writeFileSync(join(other, 'perf.config.mjs'), `export default { report: { console: false, dir: './.perf' } }`)
    mkdirSync(join(other, '.perf'), { mode: 0o755 })
    chownSync(join(other, '.perf'), 65534, 65534)
    expect(run(other, tempDir('unperf-xdg-')).stderr).toMatch(/refusing the report dir .*owned by uid 65534/)
    expect(readdirSync(join(other, '.perf'))).toEqual([])
  })

  it('the file-hash memo (wrap({ files })) is never written through a file-hash dir planted as a symlink, nor into a cache dir another user owns', () => {
    const cwd = project()
    writeFileSync(join(cwd, 'input.txt'), 'x')
    writeFileSync(join(cwd, 'run.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd() })
await perf.run('build', () => perf.cache.wrap('k', () => 'v', { files: ['input.txt'] }))
await perf.close()`)
    // a clean home: the memo is written in <cache dir>/file-hash
    const clean = tempDir('unperf-xdg-clean-')
    run(cwd, clean)
    expect(readdirSync(join(clean, 'acme', 'file-hash')).filter(n => n.endsWith('.json'))).toHaveLength(1)
    // file-hash a symlink to another dir of ours: nothing written there
    const xdg = tempDir('unperf-xdg-')
    const elsewhere = tempDir('unperf-elsewhere-')
    mkdirSync(join(xdg, 'acme'), { mode: 0o700 })
    symlinkSync(elsewhere, join(xdg, 'acme', 'file-hash'))
    run(cwd, xdg)
    expect(readdirSync(elsewhere)).toEqual([])
    if (process.getuid?.() !== 0) return
    // the cache dir made first by another user (a shared XDG_CACHE_HOME): the fs tier refuses it,
    // and the memo is not written into it either (its owner could swap file-hash for a link)
    const shared = tempDir('unperf-xdg-shared-')
    chmodSync(shared, 0o1777)
    mkdirSync(join(shared, 'acme'), { mode: 0o755 })
    chownSync(join(shared, 'acme'), 65534, 65534)
    expect(run(cwd, shared).stderr).toMatch(/refusing the cache dir .*owned by uid 65534/)
    expect(tree(join(shared, 'acme')).filter(n => statSync(join(shared, 'acme', n)).isFile())).toEqual([])
  })

  it('in its own 0700 dirs, a symlink under the history or a marker name fails the write instead of following it', async () => {
    const dir = tempDir('unperf-plant-own-')
    const target = victim()
    const reports = join(dir, 'reports')
    mkdirSync(reports, { mode: 0o700 })
    symlinkSync(target, join(reports, 'history.jsonl'))
    const entry = { v: 1, time: new Date().toISOString(), runId: 'r', pid: 1, name: 'acme', version: '1', env: 'test', commands: [], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [] } as const
    expect(() => appendHistory({ report: { dir: reports, history: 100 } } as unknown as ResolvedPerfConfig, { ...entry, commands: [], budgetsFailed: [] })).toThrow(/ELOOP|symbolic link/)

    const base = join(dir, 'cache')
    const scope = { id: 's_x', dir: join(base, 's_x') }
    mkdirSync(scope.dir, { recursive: true, mode: 0o700 })
    chmodSync(base, 0o700)
    symlinkSync(target, join(base, '.last-scope-prune'))
    symlinkSync(target, join(scope.dir, '.last-used'))
    await touchAndPruneScopes(base, scope, 1000)
    expect(readFileSync(target, 'utf8')).toBe(VICTIM_TEXT)
  })
})
