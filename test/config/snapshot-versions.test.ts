/**
 * The config snapshot's manifest had no unperf version in its name: two unperf versions used
 * alternately on one project (two CLIs in a monorepo) found each other's manifest, refused it
 * (`manifest.unperf` differs) and rebuilt it over the other's, on every run. Each version now keeps
 * its own; the other versions' manifests (and the one named without a version) go once a week old.
 * Two real builds of the loader, with two version strings (`__UNPERF_VERSION__`, as scripts/build.mjs
 * defines it), run as child processes.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { manifestName } from '../../src/config/snapshot.js'
import { PKG, project } from './_fixtures.js'

const repo = join(import.meta.dirname, '../..')
const builds: Record<string, string> = {}

beforeAll(async () => {
  // under the repo's node_modules: the packages the loader imports (c12, esbuild) resolve from there
  const out = join(repo, 'node_modules', '.cache', 'unperf-snapshot-versions')
  mkdirSync(out, { recursive: true })
  for (const version of ['1.0.0', '2.0.0']) {
    const outfile = join(out, `loader-${version}-${process.pid}.mjs`)
    await build({
      stdin: {
        contents: `import { loadPerfConfigLayers } from './src/config/load.ts'
const { config, loader } = await loadPerfConfigLayers()
console.log(loader, config.budgets.startup)`,
        resolveDir: repo, loader: 'ts',
      },
      outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error',
      define: { __UNPERF_VERSION__: JSON.stringify(version) },
    })
    builds[version] = outfile
  }
}, 60_000)

const run = (dir: string, version: string) => execFileSync(process.execPath, [builds[version]!], { cwd: dir, encoding: 'utf8' }).trim()
const manifests = (dir: string) => readdirSync(join(dir, 'node_modules', '.cache', 'unperf', 'config')).filter(n => n.startsWith('manifest-')).sort()

describe('two unperf versions on one project', () => {
  it('each keeps its own snapshot: after one cold load each, both start on the fast path, alternately', () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { budgets: { startup: '321ms' } }` })
    expect(run(dir, '1.0.0')).toBe('c12 321')
    expect(run(dir, '2.0.0')).toBe('c12 321')
    for (let i = 0; i < 2; i++) {
      expect(run(dir, '1.0.0')).toBe('snapshot 321')
      expect(run(dir, '2.0.0')).toBe('snapshot 321')
    }
    expect(manifests(dir)).toHaveLength(2)
    // an edit: both rebuild once, each its own
    writeFileSync(join(dir, 'perf.config.ts'), `export default { budgets: { startup: '654ms' } }`)
    expect(run(dir, '1.0.0')).toBe('c12 654')
    expect(run(dir, '2.0.0')).toBe('c12 654')
    expect(run(dir, '1.0.0')).toBe('snapshot 654')
    expect(run(dir, '2.0.0')).toBe('snapshot 654')
  })

  it('another version\'s manifest (and one named without a version) goes once a week old, at the next rebuild; a recent one stays', () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { budgets: { startup: '321ms' } }` })
    run(dir, '1.0.0')
    run(dir, '2.0.0')
    const snapshots = join(dir, 'node_modules', '.cache', 'unperf', 'config')
    const [v1, v2] = [manifestName(dir, undefined, '1.0.0'), manifestName(dir, undefined, '2.0.0')]
    expect(manifests(dir)).toEqual([v1, v2].sort())
    // named before the version (manifest-<config>.json) and before the rootDir (manifest-<config>-<version>.json) were in it
    const config = v1.split('-').slice(0, 2).join('-')
    const legacy = [`${config}.json`, `${config}-${v1.split('-')[3]}`]
    const old = (Date.now() - 8 * 86_400_000) / 1000
    for (const name of legacy) {
      writeFileSync(join(snapshots, name), '{}')
      utimesSync(join(snapshots, name), old, old)
    }
    // 2.0.0's manifest is a week old too; 1.0.0 rebuilds after an edit
    utimesSync(join(snapshots, v2), old, old)
    writeFileSync(join(dir, 'perf.config.ts'), `export default { budgets: { startup: '654ms' } }`)
    expect(run(dir, '1.0.0')).toBe('c12 654')
    expect(manifests(dir)).toEqual([v1])
    // 2.0.0 rebuilds its own; 1.0.0's, fresh, stays
    expect(run(dir, '2.0.0')).toBe('c12 654')
    expect(manifests(dir)).toHaveLength(2)
    expect(run(dir, '1.0.0')).toBe('snapshot 654')
  })
})
