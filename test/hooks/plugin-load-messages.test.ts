/**
 * What a plugin's author reads when the plugin does not load or throws nothing to read:
 * - a syntax error in the plugin file or in a file it imports said `failed in load: Unexpected
 *   token '}'`, naming no file (node keeps an ES module's place out of the error);
 * - a module with no default export (`export const gitInfo = definePerfPlugin(...)`) was "a plugin
 *   must be an object with a non-empty `name` ..., got an object without one";
 * - an Error with no message (`throw new Error()`) ended the warning at `failed in hook 'report': `;
 * - a path naming a directory was node's "Directory import ... imported from <unperf's dist file>";
 * - a factory written as vite's plugins are, `export default (options) => ...`, is called with no
 *   argument: reading its options there said `Cannot read properties of undefined (reading 'level')`
 *   and nothing more (s32's audit of a plugin author's flow).
 * Real files, loaded as a run loads them; the bundle case in real processes on the built dist.
 */
import { spawnSync } from 'node:child_process'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPlugin } from '../../src/hooks/plugins.js'
import { BASE, projectWith } from '../helpers/project.js'
import { tempDir } from '../helpers/tmp.js'

describe('a plugin that does not compile', () => {
  it.each([
    ['an ES module importing a file with the error', 'plugins/p.mjs', "import { helper } from './helper.mjs'\nexport default { name: 'p', setup() { helper() } }", 'plugins/helper.mjs', 'export function helper() {\n  return 1 +\n}\n', "Unexpected token '}'", 'plugins/helper.mjs:3:1'],
    ['an ES module with top-level await (loaded by import())', 'plugins/p.mjs', "await 1\nexport default {\n  name: 'p',,\n}\n", undefined, undefined, "Unexpected token ','", 'plugins/p.mjs:3:13'],
    ['a CommonJS file', 'plugins/p.cjs', "module.exports = {\n  name: 'p',,\n}\n", undefined, undefined, "Unexpected token ','", 'plugins/p.cjs:2'],
  ])('%s: the message names the file and line', async (_, entry, source, other, otherSource, message, at) => {
    const dir = projectWith('export default {}', { [entry]: source, ...(other && { [other]: otherSource! }) }, 'syntax-cli')
    await expect(loadPlugin(`./${entry}`, dir)).rejects.toThrow(`${message} (in ${join(dir, at)})`)
  })

  it('a package given by name: the file in node_modules', async () => {
    const dir = projectWith('export default {}', {
      'node_modules/unperf-plugin-x/package.json': JSON.stringify({ name: 'unperf-plugin-x', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
      'node_modules/unperf-plugin-x/dist/index.js': "export default { name: 'x', setup() {} ",
    }, 'syntax-package-cli')
    await expect(loadPlugin('unperf-plugin-x', dir)).rejects.toThrow(`Unexpected end of input (in ${join(dir, 'node_modules/unperf-plugin-x/dist/index.js')}:1:40)`)
  })
})

it('a module with no default export: the message says so and what it exports', async () => {
  const dir = projectWith('export default {}', { 'plugins/named.mjs': "export const gitInfo = { name: 'git-info' }\nexport const version = 1" }, 'no-default-cli')
  await expect(loadPlugin('./plugins/named.mjs', dir)).rejects.toThrow("a plugin module must export the plugin as its default (export default definePerfPlugin({ ... })); this one has no default export (it exports 'gitInfo', 'version')")
})

it('compiled to CommonJS by tsc with no default export (a file, a package by name): the same message, not "an object without one"', async () => {
  // tsc's output of `export const gitInfo = definePerfPlugin(...)`: module.exports marked __esModule, no default
  const tsc = "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\nexports.gitInfo = { name: 'git-info' };\n"
  const dir = projectWith('export default {}', {
    'plugins/named.cjs': tsc,
    'node_modules/unperf-plugin-named/package.json': JSON.stringify({ name: 'unperf-plugin-named', main: './dist/index.js' }),
    'node_modules/unperf-plugin-named/dist/index.js': tsc,
  }, 'no-default-cjs-cli')
  const message = "a plugin module must export the plugin as its default (export default definePerfPlugin({ ... })); this one has no default export (it exports 'gitInfo')"
  await expect(loadPlugin('./plugins/named.cjs', dir)).rejects.toThrow(message)
  await expect(loadPlugin('unperf-plugin-named', dir)).rejects.toThrow(message)
})

it('a plain CommonJS module (no __esModule) that exports its plugin by name: says so, not "an object without one"; a plugin object missing its name still reads that', async () => {
  const dir = projectWith('export default {}', {
    'plugins/plain.cjs': "exports.gitInfo = { name: 'git-info', setup() {} }\nexports.version = 1\n",
    'node_modules/unperf-plugin-plain/package.json': JSON.stringify({ name: 'unperf-plugin-plain', main: './index.js' }),
    'node_modules/unperf-plugin-plain/index.js': "exports.gitInfo = { name: 'git-info', setup() {} }\n",
    // a plugin written as CommonJS exports, its name forgotten: a plugin missing its name, as before
    'plugins/nameless.cjs': "exports.setup = () => {}\nexports.meta = { name: 'git-info' }\n",
    'plugins/nothing-plugin.cjs': 'exports.version = 1\n',
  }, 'plain-cjs-cli')
  await expect(loadPlugin('./plugins/plain.cjs', dir)).rejects.toThrow("a plugin module must export the plugin as its default (in CommonJS: module.exports = definePerfPlugin({ ... })); this one exports it by name (it exports 'gitInfo', 'version'): write module.exports = gitInfo, or import { gitInfo } in the config (plugins: [gitInfo])")
  await expect(loadPlugin('unperf-plugin-plain', dir)).rejects.toThrow("this one exports it by name (it exports 'gitInfo'): write module.exports = gitInfo")
  await expect(loadPlugin('./plugins/nameless.cjs', dir)).rejects.toThrow('got an object without one')
  await expect(loadPlugin('./plugins/nothing-plugin.cjs', dir)).rejects.toThrow('got an object without one')
})

describe('a path that names a directory (a local plugin package)', () => {
  // node's "Directory import '...' is not supported ... imported from <unperf's dist file>" sent the author into unperf
  it.each([
    ['with a package.json', { 'plugins/git/package.json': JSON.stringify({ name: 'git', type: 'module', exports: { '.': { import: './dist/index.js' } } }), 'plugins/git/dist/index.js': "export default { name: 'git' }" }, "; write './plugins/git/dist/index.js'"],
    ['with an index file', { 'plugins/git/index.mjs': "export default { name: 'git' }" }, "; write './plugins/git/index.mjs'"],
    ['with neither', { 'plugins/git/README.md': '' }, ''],
  ])('%s: says so and names the file to write', async (_, files, write) => {
    const dir = projectWith('export default {}', files, 'plugin-dir-cli')
    await expect(loadPlugin('./plugins/git', dir)).rejects.toThrow(`'./plugins/git' is a directory: a plugin's path names its file, with its extension (.mjs, .js, .cjs)${write} (a plugin package installed in node_modules is given by its name)`)
  })
})

describe('from the plugin bundle (bundlePlugins: true, a warm start)', () => {
  // symlinked: a node_modules elsewhere (shared, mounted), where node names the bundle by its real path;
  // there under a name with a space and an accent, which the bundle's file:// url percent-encodes (a
  // home dir of /Users/José): its frames name no path as written, and none was mapped
  it.each([[false, ''], [true, 'unperf-modules-elsewhere-'], [true, 'unperf-modules elsewhere é-']])("a module with no default export reads the same; an Error with no message names the plugin file's line (node_modules a symlink: %s %s)", (symlinked, elsewhere) => {
    const dist = join(import.meta.dirname, '../../dist/index.mjs')
    const dir = projectWith(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/named.mjs', './plugins/bare.mjs'] }`, {
      ...(!symlinked && { 'node_modules/.keep': '' }),
      'plugins/named.mjs': "export const gitInfo = { name: 'git-info' }",
      'plugins/bare.mjs': "export default {\n  name: 'bare',\n  hooks: {\n    'command:after': () => { throw new Error() },\n  },\n}\n",
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
        await perf.run('go', () => {})
        await perf.close()`,
    }, 'load-messages-bundle-cli')
    if (symlinked) symlinkSync(tempDir(elsewhere), join(dir, 'node_modules'), 'dir')
    const run = () => spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: '', NODE_ENV: '' } }).stderr
    for (const which of ['cold', 'warm']) {
      const err = run()
      expect(err, which).toContain("failed in load: a plugin module must export the plugin as its default (export default definePerfPlugin({ ... })); this one has no default export (it exports 'gitInfo')")
      expect(err, which).toContain(`failed in hook 'command:after': Error with no message (made at file://${join(dir, 'plugins/bare.mjs')}:4:36)`)
    }
  })
})

describe('a factory function that takes its options as an argument (rollup and vite plugins do)', () => {
  it("its error says that unperf calls it with no argument and where the options go; the error's own frames kept", async () => {
    const dir = projectWith('export default {}', {
      'plugins/vite-style.mjs': "export default function gitInfo(options) {\n  const remote = options.remote\n  return { name: 'git-info', setup() { void remote } }\n}\n",
      'plugins/no-params.mjs': "export default () => {\n  throw new Error('factory broke')\n}\n",
    }, 'factory-cli')
    const error = await loadPlugin('./plugins/vite-style.mjs', dir).then(() => undefined, (e: Error & { cause?: unknown }) => e)
    expect(error?.message).toBe("Cannot read properties of undefined (reading 'remote') (in the plugin's factory function, which unperf calls once with no argument: the entry's options come to setup({ options }), not to it)")
    expect(error?.cause).toBeInstanceOf(TypeError)
    expect(error?.stack).toContain(`${join(dir, 'plugins/vite-style.mjs')}:2:`)
    // a factory of no parameters: its error as it threw it
    await expect(loadPlugin('./plugins/no-params.mjs', dir)).rejects.toThrow(/^factory broke$/)
  })
})
