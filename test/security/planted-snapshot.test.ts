/**
 * The config snapshot's modules are run on the fast path. Where the project has no node_modules
 * they live in the platform cache dir: with XDG_CACHE_HOME in a shared place, whoever made
 * `unperf/config-snapshots/` first could plant a snapshot whose module runs as the user. It must be
 * used only from a dir no one else can write to. Real child processes on the built package.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('a config snapshot in a shared cache home', () => {
  it('is not run from a dir others can write to; the config is loaded from its file', () => {
    // no node_modules: the snapshot goes to <cache home>/unperf/config-snapshots/<hash>
    const dir = tempDir('unperf-snap-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { ttl: '3m' } }`)
    writeFileSync(join(dir, 'main.mjs'), `import { loadPerfConfigLayers } from ${JSON.stringify(dist)}
const { config, loader } = await loadPerfConfigLayers()
console.log(loader, config.cache.ttl)`)
    const xdg = tempDir('unperf-snap-xdg-')
    const run = () => execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg, UNPERF_CODE_CACHE: '0' } }).trim()
    expect(run()).toBe('c12 180000')
    expect(run()).toBe('snapshot 180000')
    const snaps = join(xdg, 'unperf', 'config-snapshots')
    const [hash] = readdirSync(snaps).filter(n => !n.endsWith('-jiti'))
    const snap = join(snaps, hash!)
    const module = readdirSync(snap).find(n => n.endsWith('.cjs') || n.endsWith('.mjs'))!
    // someone else's: the same snapshot, its module rewritten, in a world-writable dir
    const planted = tempDir('unperf-snap-planted-')
    cpSync(snap, planted, { recursive: true })
    rmSync(snap, { recursive: true })
    cpSync(planted, snap, { recursive: true })
    const code = readFileSync(join(snap, module), 'utf8')
    writeFileSync(join(snap, module), code + '\nconsole.log("PLANTED CODE RAN")')
    for (const d of [join(xdg, 'unperf'), snaps, snap]) chmodSync(d, 0o777)
    const out = run()
    expect(out).not.toContain('PLANTED CODE RAN')
    expect(out).toBe('c12 180000')
  })
})
