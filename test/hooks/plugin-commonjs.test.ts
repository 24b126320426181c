/**
 * A plugin package compiled by tsc to CommonJS (`exports.default = plugin` with `__esModule`), as
 * many are published: node's `import plugin from 'pkg'` gives its module.exports, `{ default: plugin }`.
 * Imported in perf.config (in `plugins` and in an env block) it was a config error ("expected a plugin
 * object ... got an array"); given by package name, "a plugin must be an object with a non-empty
 * `name`". Its `default` is the plugin, with its options.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

// what tsc emits for `const plugin: PerfPlugin<...> = {...}; export default plugin` with "module": "CommonJS"
const TSC_CJS = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const plugin = {
    name: 'cjs-plugin',
    setup({ options }) { (globalThis.__cjsSeen ??= []).push(options); },
};
exports.default = plugin;
`
const files = {
  'node_modules/cjs-plugin/package.json': JSON.stringify({ name: 'cjs-plugin', version: '1.0.0', main: './dist/index.js' }),
  'node_modules/cjs-plugin/dist/index.js': TSC_CJS,
}
const seen = () => (globalThis as { __cjsSeen?: unknown[] }).__cjsSeen

describe('a plugin package compiled to CommonJS', () => {
  it('imported in perf.config: its default is the plugin, in plugins and in an env block, options kept', async () => {
    (globalThis as { __cjsSeen?: unknown[] }).__cjsSeen = []
    const dir = projectWith(`import cjs from 'cjs-plugin'
      export default { ${BASE}, plugins: [[cjs, { level: 1 }]], $env: { ci: { plugins: [cjs] } } }`, files, 'cjs-import-cli')
    // one instance per plugin: the env block's entry wins, with its own options (none)
    const perf = await createPerf({ cwd: dir, env: 'ci', noExitHandlers: true, noSnapshot: true })
    await perf.close()
    expect(seen()).toEqual([{}])
    ;(globalThis as { __cjsSeen?: unknown[] }).__cjsSeen = []
    const prod = await createPerf({ cwd: dir, env: 'production', noExitHandlers: true, noSnapshot: true })
    await prod.close()
    expect(seen()).toEqual([{ level: 1 }])
  })

  // node's own import() (vitest's module runner would unwrap `__esModule` itself): the built package in a child
  it('given by package name: loaded, with its options (built package, plain node)', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: [['cjs-plugin', { level: 2 }]] }`, {
      ...files,
      'run.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf({ cwd: process.cwd() })
        await perf.close()
        console.log(JSON.stringify(globalThis.__cjsSeen))`,
    }, 'cjs-name-cli')
    const r = spawnSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toEqual([{ level: 2 }])
  })
})
