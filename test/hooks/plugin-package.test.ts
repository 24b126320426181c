import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

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
