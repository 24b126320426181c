/**
 * A config snapshot that is damaged or stale never gives a wrong config and never keeps the fast
 * path away: a snapshot module cut short (a crash after its rename, a full disk) is rebuilt, not
 * read as an empty config, and a stale snapshot where unperf cannot write does not hide the fresh
 * one it rebuilt in the platform cache dir.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfigLayers } from '../../src/config/load.js'
import { PKG, project, withoutNodeModules } from './_fixtures.js'

const repo = join(import.meta.dirname, '../..')
const dist = join(repo, 'dist')

describe('a damaged config snapshot', () => {
  it('a snapshot module emptied or cut before its export is rebuilt, never read as an empty config', () => {
    // a config that imports a package: its snapshot is an ES module
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `import { defu } from 'defu'\nexport default defu({ cache: { ttl: '3m' } }, { budgets: { startup: '321ms' } })`,
      'main.mjs': `
        import { loadPerfConfigLayers } from ${JSON.stringify(join(dist, 'index.mjs'))}
        const { config, loader } = await loadPerfConfigLayers()
        console.log(loader, config.cache.ttl, config.budgets.startup)`,
    })
    symlinkSync(join(repo, 'node_modules', 'defu'), join(dir, 'node_modules', 'defu'))
    const run = () => execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8' }).trim()
    expect(run()).toBe('c12 180000 321')
    expect(run()).toBe('snapshot 180000 321')
    const snapshots = join(dir, 'node_modules', '.cache', 'unperf', 'config')
    const module = join(snapshots, readdirSync(snapshots).find(n => n.endsWith('.mjs'))!)
    const code = readFileSync(module, 'utf8')
    for (const damaged of ['', code.slice(0, code.lastIndexOf('export'))]) {
      writeFileSync(module, damaged)
      expect(run()).toBe('c12 180000 321')
      expect(readFileSync(module, 'utf8')).toBe(code)
      expect(run()).toBe('snapshot 180000 321')
    }
  })

  it('a stale snapshot in node_modules/.cache does not hide the fresh one in the platform cache dir', async () => {
    await withoutNodeModules({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '3m' } }` }, async (dir, xdg) => {
      // built in the platform cache dir (no node_modules), then an old snapshot appears in
      // node_modules/.cache where, as in a global install run by another user, none can be written
      expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('c12')
      const [fresh] = readdirSync(join(xdg, 'unperf', 'config-snapshots'))
      const stale = join(dir, 'node_modules', '.cache', 'unperf', 'config')
      mkdirSync(join(dir, 'node_modules'))
      cpSync(join(xdg, 'unperf', 'config-snapshots', fresh!), stale, { recursive: true })
      const manifest = join(stale, readdirSync(stale).find(n => n.startsWith('manifest-'))!)
      const old = JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: { path: string; mtimeMs?: number }[] }
      for (const input of old.inputs) if (input.mtimeMs) input.mtimeMs -= 60_000
      writeFileSync(manifest, JSON.stringify(old))
      const warm = await loadPerfConfigLayers({ cwd: dir })
      expect(warm.loader).toBe('snapshot')
      expect(warm.config.cache.ttl).toBe(180_000)
    })
  })

  // a warm start asks whether node_modules is there (existsSync), not whether it is a dir (a Stats
  // object each: ≈ 1.5 kB of young generation): a file of that name fails the manifest's read
  it('a file named node_modules: the snapshot is built and read in the platform cache dir', async () => {
    await withoutNodeModules({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '3m' } }` }, async (dir, xdg) => {
      writeFileSync(join(dir, 'node_modules'), '')
      expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('c12')
      expect(readdirSync(join(xdg, 'unperf', 'config-snapshots')).length).toBeGreaterThan(0)
      const warm = await loadPerfConfigLayers({ cwd: dir })
      expect(warm.loader).toBe('snapshot')
      expect(warm.config.cache.ttl).toBe(180_000)
    })
  })

  it('a validated marker removed: the next warm start validates the values again and marks them', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '3m' } }` })
    await loadPerfConfigLayers({ cwd: dir })
    const snapshots = join(dir, 'node_modules', '.cache', 'unperf', 'config')
    const marker = readdirSync(snapshots).find(n => n.startsWith('validated-'))!
    unlinkSync(join(snapshots, marker))
    const warm = await loadPerfConfigLayers({ cwd: dir })
    expect(warm.loader).toBe('snapshot')
    expect(warm.config.cache.ttl).toBe(180_000)
    expect(existsSync(join(snapshots, marker))).toBe(true)
  })
})
