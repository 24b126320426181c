/**
 * A project on a full disk, its config not yet snapshotted (a cold start: a fresh checkout, an edit
 * of perf.config.ts): jiti's copy of the transpiled config cannot be written (ENOSPC), which failed
 * the config's load (`could not load the config: ENOSPC`) and so the command. It loads without the
 * copy: the run works and reads the config's values. A real tmpfs filled by another file (needs
 * root; skipped loudly elsewhere, an error with CI=true).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canMountTmpfs, mountTmpfs } from '../helpers/tmpfs.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const canMount = canMountTmpfs('config disk-full')

/** Fills the file system holding `dir` to its last byte (files of its own). */
function fill(dir: string): void {
  for (let i = 0; ; i++) {
    try { writeFileSync(join(dir, `fill-${i}`), Buffer.alloc(64 * 1024)) } catch { break }
  }
  for (let i = 0; ; i++) {
    try { writeFileSync(join(dir, `fill-small-${i}`), Buffer.alloc(512)) } catch { break }
  }
}

describe.skipIf(!canMount)('a project on a full disk, on a cold start', () => {
  it('the config loads without jiti\'s copy: the command runs with its values, exit 0', () => {
    const disk = mountTmpfs('512k')!
    const dir = join(disk, 'project')
    mkdirSync(join(dir, 'node_modules'), { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'full-config-cli', version: '1.0.0', type: 'module' }))
    const reports = tempDir('unperf-config-full-')
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: ${JSON.stringify(join(reports, 'perf'))}, history: 9 } }`)
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run('build', async () => {})
await perf.close()
console.log(JSON.stringify({ history: perf.config.report.history }))`)
    fill(disk)
    // the platform cache dir on the full disk too: no snapshot anywhere, every run a cold load
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: join(disk, 'xdg') } })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ history: 9 })
    expect(r.stderr).not.toContain('ENOSPC')
  }, 60_000)
})
