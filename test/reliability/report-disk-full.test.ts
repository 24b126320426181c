/**
 * A report dir on a full disk: report.json and trace.json cannot be written (they grow with the
 * spans), but the run's history line (a few hundred bytes) fits in what the file's last block has
 * left. It is appended: a failed report write skipped it, so the run was lost from the history the
 * budgets judge by. One warning, nothing torn or left behind, and the old report.json stays whole.
 * A real tmpfs filled by another file (needs root; skipped loudly elsewhere, an error with CI=true).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canMountTmpfs, mountTmpfs } from '../helpers/tmpfs.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const canMount = canMountTmpfs('report disk-full')

/** Fills the file system holding `dir` to its last byte (a file of its own). */
function fill(dir: string): void {
  const chunk = Buffer.alloc(64 * 1024)
  for (let i = 0; ; i++) {
    try { writeFileSync(join(dir, `fill-${i}`), chunk) } catch { break }
  }
  // the last partial chunk: what is left, a byte at a time in pages
  for (let i = 0; ; i++) {
    try { writeFileSync(join(dir, `fill-small-${i}`), Buffer.alloc(512)) } catch { break }
  }
}

describe.skipIf(!canMount)('a report dir on a full disk', () => {
  it('the run\'s history line is appended though report.json and trace.json cannot be written: one warning, the old report whole, no temp file', () => {
    const disk = mountTmpfs('256k')!
    const reportDir = join(disk, 'perf')
    const dir = tempDir('unperf-report-full-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'full-cli', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: ${JSON.stringify(reportDir)}, trace: true } }`)
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run('build', async () => { for (let i = 0; i < Number(process.env.SPANS); i++) await perf.span('step-' + i, () => {}) })
await perf.close()`)
    const run = (spans: number) => spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, SPANS: String(spans), XDG_CACHE_HOME: join(dir, '.xdg') } })

    expect(run(1).status).toBe(0)
    const before = readFileSync(join(reportDir, 'report.json'), 'utf8')
    fill(disk)
    const full = run(300)
    expect(full.status, full.stderr).toBe(0)
    const warnings = full.stderr.split('\n').filter(l => l.startsWith('[unperf]'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/report could not be written.*ENOSPC/)

    const lines = readFileSync(join(reportDir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as { commands: unknown[] })
    expect(lines).toHaveLength(2)
    expect(readFileSync(join(reportDir, 'report.json'), 'utf8')).toBe(before)
    expect(readdirSync(reportDir).sort()).toEqual(['history-summary.bin', 'history.jsonl', 'report.json', 'trace.json'])
  }, 60_000)

  it('the cache and the report on one full disk: one warning naming both (the cache warned, then the report again)', () => {
    const disk = mountTmpfs('256k')!
    const reportDir = join(disk, 'perf')
    const cacheDir = join(disk, 'cache')
    const dir = tempDir('unperf-report-cache-full-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'full-cli', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs', dir: ${JSON.stringify(cacheDir)}, compress: false }, report: { console: false, dir: ${JSON.stringify(reportDir)}, trace: true } }`)
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run('build', async () => {
  for (let i = 0; i < Number(process.env.SPANS); i++) await perf.span('step-' + i, () => {})
  await perf.cache.set('k' + process.env.SPANS, 'x'.repeat(Number(process.env.SPANS) * 100))
})
await perf.close()`)
    const run = (spans: number) => spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, SPANS: String(spans), XDG_CACHE_HOME: join(dir, '.xdg') } })

    expect(run(1).status).toBe(0)
    fill(disk)
    const full = run(300)
    expect(full.status, full.stderr).toBe(0)
    const warnings = full.stderr.split('\n').filter(l => l.startsWith('[unperf]'))
    // before: one for the cache's skipped write, a second for the report
    expect(warnings, full.stderr).toHaveLength(1)
    expect(warnings[0]).toMatch(/disk full/)
    expect(warnings[0]).toContain(cacheDir)
    expect(warnings[0]).toContain(reportDir)
  }, 60_000)
})
