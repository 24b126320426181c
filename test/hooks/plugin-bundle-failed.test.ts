/**
 * A plugin bundle rebuild that fails (src/config/plugin-bundle-write.ts): not "nothing to bundle"
 * but the build itself (esbuild unable to run). It started a process on every run, each failing
 * alike; it is recorded against its inputs, `unperf doctor` names it, and an edited plugin file (or
 * PLUGIN_BUNDLE_RETRY_MS) tries again. Real processes on the built dist; the rebuild child is seen
 * through a NODE_OPTIONS --import every node process of the runs inherits.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { writePluginBundle } from '../../src/config/plugin-bundle-write.js'
import { openPluginBundle, PLUGIN_BUNDLE_RETRY_MS, pluginManifestName } from '../../src/config/plugin-bundle.js'
import { BASE, projectWith } from '../helpers/project.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const bin = join(import.meta.dirname, '../../bin/unperf.mjs')

const plugin = (name: string) => `process.stdout.write('${name} from ' + (/plugins-[0-9a-f]+\\.mjs/.test(new Error().stack) ? 'bundle' : 'file') + '\\n')
export default { name: '${name}' }`

const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
await perf.close()`

const snapshotDir = (dir: string) => join(dir, 'node_modules/.cache/unperf/config')
const manifest = (dir: string) => {
  const name = readdirSync(snapshotDir(dir)).find(n => /^plugins-.*\.json$/.test(n))
  return name ? JSON.parse(readFileSync(join(snapshotDir(dir), name), 'utf8')) as { module?: string; failed?: { at: number; reason: string } } : undefined
}

async function until<T>(what: string, value: () => T | undefined): Promise<T> {
  for (const end = Date.now() + 20_000; Date.now() < end; await new Promise(r => setTimeout(r, 50))) {
    const found = value()
    if (found) return found
  }
  throw new Error(`never: ${what}`)
}

describe('a plugin bundle rebuild that fails', () => {
  it('is recorded: the next runs start no rebuild, doctor names why; an edited plugin file is tried again', async () => {
    const dir = projectWith(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/a.mjs'] }`, {
      'node_modules/.keep': '', 'app.mjs': app, 'plugins/a.mjs': plugin('a'),
      // an esbuild binary that cannot run (one for another platform, a broken install)
      'esbuild-down': '#!/bin/sh\nexit 3\n',
    }, 'bundle-failed-cli')
    const log = join(dir, 'spawns.log')
    writeFileSync(join(dir, 'spawns.mjs'), `import { appendFileSync } from 'node:fs'\nif (process.argv[1]?.endsWith('plugin-bundle-child.mjs')) appendFileSync(${JSON.stringify(log)}, 'rebuild\\n')`)
    chmodSync(join(dir, 'esbuild-down'), 0o755)
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: '', NODE_ENV: '', NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'spawns.mjs')).href}` }
    const down = { ...env, ESBUILD_BINARY_PATH: join(dir, 'esbuild-down') }
    const run = (vars: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: vars }).stdout
    const rebuilds = () => existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0

    run(env)
    expect(run(env)).toBe('a from bundle\n')
    writeFileSync(join(dir, 'plugins/a.mjs'), plugin('a2'))
    // stale: loaded from its file, the rebuild started after the run, and failing
    expect(run(down)).toBe('a2 from file\n')
    const failed = await until('a failure recorded', () => manifest(dir)?.failed)
    expect(failed.reason).toMatch(/^esbuild could not run: ./)
    expect(manifest(dir)?.module).toBeUndefined()
    expect(run(down)).toBe('a2 from file\n')

    const doctor = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd: dir, encoding: 'utf8', env })
    expect(doctor.status).toBe(0)
    const row = (JSON.parse(doctor.stdout) as { checks: Array<{ check: string; warn?: boolean; detail: string }> }).checks.find(c => c.check === 'bundle')
    expect(row?.warn).toBe(true)
    expect(row?.detail).toContain(failed.reason)

    // esbuild mended, a plugin file edited: rebuilt after that run
    writeFileSync(join(dir, 'plugins/a.mjs'), plugin('a3'))
    expect(run(env)).toBe('a3 from file\n')
    await until('the bundle rebuilt', () => manifest(dir)?.module)
    expect(run(env)).toBe('a3 from bundle\n')
    expect(rebuilds()).toBe(2)
  })
})

describe('the record of a failed rebuild', () => {
  it(`stands for ${PLUGIN_BUNDLE_RETRY_MS / 60_000} minutes, its inputs unchanged; then the bundle is stale again`, () => {
    const dir = tempDir('unperf-bundle-failed-')
    const snap = { dir, rootDir: dir, configFile: undefined, layers: [] }
    const file = join(dir, 'plugins/a.mjs')
    mkdirSync(join(dir, 'plugins'))
    writeFileSync(file, plugin('a'))
    const record = (at: number) => writeFileSync(join(dir, pluginManifestName(dir, undefined)), JSON.stringify({
      format: 1, unperf: 'dev', rootDir: dir, builtAt: at, files: [], external: [],
      inputs: [{ path: file, exists: true, ...statOf(file) }], failed: { at, reason: 'esbuild stopped' },
    }))
    record(Date.now() - 60_000)
    expect(openPluginBundle(snap)).toBe('none')
    record(Date.now() - PLUGIN_BUNDLE_RETRY_MS - 1000)
    expect(openPluginBundle(snap)).toBe('stale')
    record(Date.now() - 60_000)
    writeFileSync(file, plugin('a2 edited'))
    expect(openPluginBundle(snap)).toBe('stale')
  })
})

/** A project dir with plugins/a.mjs and an empty snapshot dir. */
function withPluginA(prefix: string) {
  const dir = tempDir(prefix)
  const snap = { dir: join(dir, 'snap'), rootDir: dir, configFile: undefined, layers: [] }
  mkdirSync(snap.dir)
  mkdirSync(join(dir, 'plugins'))
  writeFileSync(join(dir, 'plugins/a.mjs'), plugin('a'))
  return { dir, snap }
}

describe('a plugin path that goes through a file (ENOTDIR)', () => {
  it('plugins/b/index.mjs with plugins/b a file: left out of the bundle, the others bundled; making it a dir makes the bundle stale', async () => {
    const { dir, snap } = withPluginA('unperf-bundle-enotdir-')
    writeFileSync(join(dir, 'plugins/b'), '')
    const files = [join(dir, 'plugins/a.mjs'), join(dir, 'plugins/b/index.mjs')]
    // (it threw ENOTDIR: no manifest, and every run started a rebuild failing alike)
    expect(await writePluginBundle({ ...snap, files, external: new Set() })).toBe(true)
    const bundle = openPluginBundle(snap)
    if (typeof bundle !== 'object') throw new Error(`no bundle: ${bundle}`)
    expect([...bundle.files]).toEqual([files[0]])
    rmSync(join(dir, 'plugins/b'))
    mkdirSync(join(dir, 'plugins/b'))
    writeFileSync(files[1]!, plugin('b'))
    expect(openPluginBundle(snap)).toBe('stale')
  })

  it('a bundled plugins/a.mjs whose dir became a file: the bundle is stale (the plugin then fails to load as its file would), never ENOTDIR out of the start', async () => {
    const { dir, snap } = withPluginA('unperf-bundle-enotdir-input-')
    expect(await writePluginBundle({ ...snap, files: [join(dir, 'plugins/a.mjs')], external: new Set() })).toBe(true)
    expect(typeof openPluginBundle(snap)).toBe('object')
    rmSync(join(dir, 'plugins'), { recursive: true })
    writeFileSync(join(dir, 'plugins'), '')
    expect(openPluginBundle(snap)).toBe('stale')
  })
})

function statOf(file: string) {
  const s = statSync(file)
  return { mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, size: s.size, ino: s.ino }
}
