/**
 * Plugins published as packages, given by name in the host's `plugins`, on the packed unperf (the
 * plugin author's view: docs/runtime.md "Publishing a plugin package"): a dual ESM/CommonJS package
 * importing unperf as its peer dependency, one compiled to CommonJS by tsc (`require("unperf")`,
 * `exports.default`), each with its options, its own namespace and `shared`; `unperf cache list` and
 * `unperf doctor` showing them; a package with a syntax error in a file it imports named at that file.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { consumerProject, nodeIn, resultOf, unperfIn } from './_packed.js'

let project: string

const pkg = (name: string, extra: Record<string, unknown>) => JSON.stringify({ name, version: '1.0.0', peerDependencies: { unperf: '^0.1.0' }, ...extra })

const FILES = {
  'node_modules/unperf-plugin-dual/package.json': pkg('unperf-plugin-dual', { type: 'module', exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js', require: './dist/index.cjs' } } }),
  'node_modules/unperf-plugin-dual/dist/index.js': `import { definePerfPlugin, getPerf } from 'unperf'
    export default definePerfPlugin({
      name: 'unperf-plugin-dual',
      hooks: { 'command:before': ctx => { ctx.data.dual = 'esm' } },
      async setup({ perf, cache, shared, options }) {
        globalThis.seen.push(['dual', options, getPerf() === perf])
        await cache.set('level', options.level)
        await shared.set('dual:head', 'abc')
      },
    })`,
  'node_modules/unperf-plugin-dual/dist/index.cjs': `exports.default = { name: 'unperf-plugin-dual', setup() { globalThis.seen.push(['dual', 'the CommonJS build']) } }`,
  'node_modules/unperf-plugin-tscjs/package.json': pkg('unperf-plugin-tscjs', { main: './dist/index.js' }),
  'node_modules/unperf-plugin-tscjs/dist/index.js': `"use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    const unperf_1 = require("unperf");
    exports.default = (0, unperf_1.definePerfPlugin)({ name: 'tscjs', async setup({ perf, shared, options }) {
      globalThis.seen.push(['tscjs', options, (0, unperf_1.getPerf)() === perf, await shared.get('dual:head')])
      try { perf.cache.namespace('plugin:unperf-plugin-dual') } catch (e) { globalThis.seen.push(['tscjs refused', e.code]) }
    } });`,
  'node_modules/unperf-plugin-broken/package.json': pkg('unperf-plugin-broken', { type: 'module', exports: './dist/index.js' }),
  'node_modules/unperf-plugin-broken/dist/index.js': `import { helper } from './helper.js'\nexport default { name: 'broken', setup() { helper() } }`,
  'node_modules/unperf-plugin-broken/dist/helper.js': `export function helper() {\n  return 1 +\n}\n`,
  'perf.config.mjs': `export default { report: { console: false }, plugins: [['unperf-plugin-dual', { level: 3 }], ['unperf-plugin-tscjs', { x: true }], 'unperf-plugin-broken'] }`,
  'app.mjs': `import { createPerf } from 'unperf'
    globalThis.seen ??= [] // (in the child process)
    const perf = await createPerf()
    const data = await perf.run('build', ctx => ({ ...ctx.data }))
    await perf.close()
    console.log(JSON.stringify({ seen: globalThis.seen, data }))`,
}

beforeAll(() => {
  project = consumerProject(FILES, {}, 'unperf-plugin-packages-')
}, 600_000)

describe('plugin packages given by name (packed unperf)', () => {
  it("load their ES module build with the host's unperf, get their options and caches; a broken one is named at its file", () => {
    const run = nodeIn(project, 'app.mjs')
    expect(resultOf(run)).toEqual({
      seen: [['dual', { level: 3 }, true], ['tscjs', { x: true }, true, 'abc'], ['tscjs refused', 'E_NAMESPACE_RESERVED']],
      data: { dual: 'esm' },
    })
    expect(run.stderr).toBe(`[unperf] warn plugin 'unperf-plugin-broken' (plugins[2] in perf.config.mjs:1:${FILES['perf.config.mjs'].indexOf("'unperf-plugin-broken'") + 1}) failed in load: Unexpected token '}' (in ${join(project, 'node_modules/unperf-plugin-broken/dist/helper.js')}:3:1)\n`)
  })

  it("unperf cache list shows a plugin's namespace; unperf doctor the plugins that load and the one that does not", () => {
    expect(nodeIn(project, 'app.mjs').code).toBe(0)
    expect(unperfIn(project, ['cache', 'list', '--namespace', 'plugin:unperf-plugin-dual', '--json']).json()).toEqual([expect.objectContaining({ namespace: 'plugin:unperf-plugin-dual', key: 'level' })])
    const doctor = unperfIn(project, ['doctor', '--json']).json()
    const rows = doctor.checks.filter((c: { check: string }) => c.check.startsWith('plugin'))
    expect(rows).toEqual([
      expect.objectContaining({ check: 'plugins', ok: true, detail: expect.stringContaining("'unperf-plugin-dual', 'tscjs'") }),
      expect.objectContaining({ check: 'plugin', ok: false, detail: expect.stringContaining(`Unexpected token '}' (in ${join(project, 'node_modules/unperf-plugin-broken/dist/helper.js')}:3:1)`) }),
    ])
  })
})
