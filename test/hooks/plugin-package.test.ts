import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { loadPlugin } from '../../src/hooks/plugins.js'
import { BASE, projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

type Seen = { __pluginSeen?: string[] }
const seen = () => ((globalThis as Seen).__pluginSeen ??= [])
const pkg = (name: string, exports: unknown) => JSON.stringify({ name, version: '1.0.0', type: 'module', exports })
const plugin = (name: string, label: string) => `export default { name: '${name}', setup({ options }) { (globalThis.__pluginSeen ??= []).push('${label} ' + JSON.stringify(options)) } }`

describe('plugins given by package name', () => {
  // the temp project is outside this repo: a bare import() from unperf's own files cannot see its
  // node_modules, as under pnpm or with unperf hoisted in a monorepo
  it('an ES-module-only package (exports with an import condition alone) loads from the host\'s node_modules', async () => {
    (globalThis as Seen).__pluginSeen = []
    const dir = projectWith(`export default { ${BASE}, plugins: [['esm-only-plugin', { a: 1 }], '@acme/perf-plugin/git'] }`, {
      'node_modules/esm-only-plugin/package.json': pkg('esm-only-plugin', { '.': { import: './dist/index.mjs' } }),
      'node_modules/esm-only-plugin/dist/index.mjs': plugin('esm-only', 'esm-only'),
      'node_modules/@acme/perf-plugin/package.json': pkg('@acme/perf-plugin', { './*': { types: './dist/*.d.ts', import: './dist/*.mjs' } }),
      'node_modules/@acme/perf-plugin/dist/git.mjs': plugin('git', 'git'),
    })
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.close()
    expect(seen()).toEqual(['esm-only {"a":1}', 'git {}'])
  })

  it('a dual package gives its ES module build (the import condition), not its CommonJS one', async () => {
    (globalThis as Seen).__pluginSeen = []
    const dir = projectWith(`export default { ${BASE}, plugins: ['dual-plugin'] }`, {
      'node_modules/dual-plugin/package.json': pkg('dual-plugin', { '.': { require: './index.cjs', import: './index.mjs' } }),
      'node_modules/dual-plugin/index.mjs': plugin('dual', 'esm build'),
      'node_modules/dual-plugin/index.cjs': `module.exports = { name: 'dual', setup() { (globalThis.__pluginSeen ??= []).push('cjs build') } }`,
    })
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.close()
    expect(seen()).toEqual(['esm build {}'])
  })

  it('a package without exports loads its main', async () => {
    (globalThis as Seen).__pluginSeen = []
    const dir = projectWith(`export default { ${BASE}, plugins: ['plain-plugin'] }`, {
      'node_modules/plain-plugin/package.json': JSON.stringify({ name: 'plain-plugin', version: '1.0.0', type: 'module', main: 'lib/main.js' }),
      'node_modules/plain-plugin/lib/main.js': plugin('plain', 'plain'),
    })
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.close()
    expect(seen()).toEqual(['plain {}'])
  })
})

describe('plugin packages in a real process', () => {
  it('load through require(esm) when they can: the one instance the host\'s own import gets; a package with top-level await or CommonJS still loads', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['esm-plugin', 'tla-plugin', 'cjs-plugin'] }`, {
      'node_modules/esm-plugin/package.json': pkg('esm-plugin', { '.': { import: './index.mjs' } }),
      'node_modules/esm-plugin/index.mjs': `globalThis.__loads = (globalThis.__loads ?? 0) + 1; export const state = { setups: 0 }; export default { name: 'esm', setup() { state.setups++ } }`,
      'node_modules/tla-plugin/package.json': pkg('tla-plugin', { '.': './index.mjs' }),
      'node_modules/tla-plugin/index.mjs': `await new Promise(r => setTimeout(r, 5)); export default { name: 'tla', setup() { globalThis.__tla = (globalThis.__tla ?? 0) + 1 } }`,
      'node_modules/cjs-plugin/package.json': JSON.stringify({ name: 'cjs-plugin', version: '1.0.0', main: 'index.js' }),
      'node_modules/cjs-plugin/index.js': `module.exports = { name: 'cjs', setup() { globalThis.__cjs = (globalThis.__cjs ?? 0) + 1 } }`,
      'host.mjs': `import { createRequire } from 'node:module'
        import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
        const perf = await createPerf({ noExitHandlers: true })
        await perf.close()
        const esm = await import('esm-plugin')
        const required = Object.keys(createRequire(import.meta.url).cache).filter(f => f.startsWith(import.meta.dirname + '/node_modules/')).map(f => f.slice(import.meta.dirname.length + 14)).sort()
        console.log(JSON.stringify({ setups: esm.state.setups, loads: globalThis.__loads, tla: globalThis.__tla, cjs: globalThis.__cjs, required }))`,
    })
    const child = spawnSync(process.execPath, [join(dir, 'host.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') } })
    expect(child.stderr).toBe('')
    // required: the ES module and the CommonJS package went through require(); the one with top-level await through import()
    expect(JSON.parse(child.stdout)).toEqual({ setups: 1, loads: 1, tla: 1, cjs: 1, required: ['cjs-plugin/index.js', 'esm-plugin/index.mjs'] })
  })
})

/** `specifier` is the file node's own resolution gives from `dir` (`file`, relative to it), and the plugin unperf loads is the one in it (`name`). */
async function expectAsNode(dir: string, specifier: string, file: string, name: string): Promise<void> {
  const node = spawnSync(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], { cwd: dir, encoding: 'utf8' })
  expect(node.stdout.trim()).toBe(pathToFileURL(join(dir, file)).href)
  expect((await loadPlugin(specifier, dir)).name).toBe(name)
}

describe("a package's exports with patterns", () => {
  // the first matching pattern in the map was taken: with './*' before './plugins/*', 'pkg/plugins/a'
  // loaded dist/plugins/a.js where node's import() (and the host's) gives dist/plugins/a.mjs
  it('the most specific pattern, the file node itself resolves', async () => {
    const dir = projectWith('export default {}', {
      'node_modules/pat-plugin/package.json': pkg('pat-plugin', { './*': './dist/*.js', './plugins/*': './dist/plugins/*.mjs', './plugins/x*': null }),
      'node_modules/pat-plugin/dist/plugins/a.mjs': `export default { name: 'specific' }`,
      'node_modules/pat-plugin/dist/plugins/a.js': `export default { name: 'first-in-map' }`,
    })
    await expectAsNode(dir, 'pat-plugin/plugins/a', 'node_modules/pat-plugin/dist/plugins/a.mjs', 'specific')
  })
})

describe("a package's exports with the module-sync condition (node >= 20.19, 22.12)", () => {
  // node's import() takes 'module-sync' where it can require() ES modules; the resolver did not know it
  it.runIf(process.features.require_module === true)('the file node itself resolves', async () => {
    const dir = projectWith('export default {}', {
      'node_modules/sync-plugin/package.json': pkg('sync-plugin', { '.': { 'module-sync': './sync.mjs', import: './import.mjs' } }),
      'node_modules/sync-plugin/sync.mjs': `export default { name: 'module-sync' }`,
      'node_modules/sync-plugin/import.mjs': `export default { name: 'import' }`,
    })
    await expectAsNode(dir, 'sync-plugin', 'node_modules/sync-plugin/sync.mjs', 'module-sync')
  })
})

describe("a package's exports with the user's conditions (node -C development, NODE_OPTIONS)", () => {
  // node's import() honours them: the package's 'development' build was the host's, unperf loaded 'default'
  it('the build node itself resolves, in a real process', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['cond-plugin'] }`, {
      'node_modules/cond-plugin/package.json': pkg('cond-plugin', { '.': { development: './dev.mjs', default: './prod.mjs' } }),
      'node_modules/cond-plugin/dev.mjs': `export default { name: 'cond', setup() { console.log('development build') } }`,
      'node_modules/cond-plugin/prod.mjs': `export default { name: 'cond', setup() { console.log('default build') } }`,
      'host.mjs': `import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
        const perf = await createPerf({ noExitHandlers: true })
        await perf.close()
        const host = await import('cond-plugin')
        console.log('host gets', host.default.setup.toString().includes('development') ? 'development' : 'default')`,
    })
    const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [...args, 'host.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg'), ...env } })
    expect(run([]).stdout).toBe('default build\nhost gets default\n')
    expect(run(['-C', 'development']).stdout).toBe('development build\nhost gets development\n')
    expect(run([], { NODE_OPTIONS: '--conditions=development' }).stdout).toBe('development build\nhost gets development\n')
    // quoted, as NODE_OPTIONS allows (node takes the quotes off): unperf read '"development"' and loaded the default build
    expect(run([], { NODE_OPTIONS: '--conditions="development"' }).stdout).toBe('development build\nhost gets development\n')
  })
})
