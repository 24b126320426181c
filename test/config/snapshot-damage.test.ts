/**
 * A config snapshot that is damaged or stale never gives a wrong config and never keeps the fast
 * path away: a snapshot module cut short (a crash after its rename, a full disk) is rebuilt, not
 * read as an empty config, and a stale snapshot where unperf cannot write does not hide the fresh
 * one it rebuilt in the platform cache dir.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfigLayers } from '../../src/config/load.js'
import { PKG, project } from './_fixtures.js'

const repo = join(import.meta.dirname, '../..')
const dist = join(repo, 'dist')

describe('a damaged config snapshot', () => {
  it('a stale snapshot in node_modules/.cache does not hide the fresh one in the platform cache dir', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '3m' } }` })
    rmSync(join(dir, 'node_modules'), { recursive: true })
    const xdg = join(dir, '..', `${basename(dir)}-xdg`)
    const saved = process.env.XDG_CACHE_HOME
    process.env.XDG_CACHE_HOME = xdg
    try {
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
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME
      else process.env.XDG_CACHE_HOME = saved
      rmSync(xdg, { recursive: true, force: true })
    }
  })
})
