/**
 * A config file that exports nothing (`definePerfConfig({ ... })` written without `export default`)
 * was read by c12 as an empty config: the file was found and all of it dropped without a word
 * (`unperf config`: "none: defaults only"). A config error naming the file, in .ts, .mjs, .js and an
 * extended preset; `export default {}`, `module.exports = { ... }` and a default function still load.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { PKG, project } from './_fixtures.js'

const NO_EXPORT = "import { definePerfConfig } from 'unperf/config'\ndefinePerfConfig({ cache: { ttl: '2h' } })\n"

async function load(files: Record<string, string>) {
  return loadPerfConfig({ cwd: project({ 'package.json': PKG, ...files }), noSnapshot: true })
}

describe('a config file without a default export', () => {
  it.each(['perf.config.ts', 'perf.config.mjs', 'perf.config.js'])('%s: a config error naming the file', async (file) => {
    const error = await load({ [file]: NO_EXPORT }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ file, path: '(file)', found: 'no export' })
    expect(issues[0]!.message).toBe(`${file}: no default export (the file exports nothing), so none of it is applied: write \`export default definePerfConfig({ ... })\` (an empty config: \`export default {}\`)`)
  })

  it.each(['perf.config.ts', 'perf.config.mjs'])("%s with named exports alone, none a config key: the error says there is no default export", async (file) => {
    const error = await load({ [file]: "import { definePerfConfig } from 'unperf/config'\nexport const config = definePerfConfig({ cache: { ttl: '2h' } })\n" }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ file, path: '(file)', found: "named exports 'config'" })])
    expect((error as ConfigError).issues[0]!.message).toBe(`${file}: no default export: its named exports ('config') are read as config keys, and none is one: write \`export default definePerfConfig({ ... })\``)
  })

  it('a default export or CommonJS exports with unknown keys alone are left to validation (unknown key)', async () => {
    for (const [file, text] of [['perf.config.ts', "export default { cach: { ttl: '2h' } }\n"], ['perf.config.mjs', "export default { cach: {} }\n"], ['perf.config.cjs', 'module.exports = { cach: {} }\n'], ['perf.config.ts', 'module.exports = { cach: {} }\n']]) {
      const error = await load({ [file]: text }).then(() => undefined, (e: unknown) => e)
      expect((error as ConfigError).issues, `${file}: ${text}`).toEqual([expect.objectContaining({ path: 'cach', found: 'cach' })])
    }
  })

  it('in a preset it extends', async () => {
    const error = await load({ 'perf.config.mjs': "export default { extends: './presets/base.ts' }", 'presets/base.ts': NO_EXPORT }).then(() => undefined, (e: unknown) => e)
    expect((error as ConfigError).issues[0]).toMatchObject({ file: 'presets/base.ts', path: '(file)' })
  })

  // a native ES module preset (.mjs, a module package's .js) comes as its module namespace, which c12
  // could not extend: 'could not load the config: Cannot add property _layers, object is not extensible'
  it.each(['presets/base.mjs', 'presets/base.js'])('in a preset it extends, an ES module loaded natively: %s', async (preset) => {
    for (const text of ['const x = 1\n', 'export {}\n']) {
      const error = await load({ 'perf.config.mjs': `export default { extends: './${preset}' }`, [preset]: text }).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).issues[0]).toMatchObject({ file: preset, path: '(file)', found: 'no export' })
    }
  })

  it('in a package preset whose entry is an ES module', async () => {
    const pkg = JSON.stringify({ name: 'my-preset', version: '1.0.0', type: 'module', exports: './index.js' })
    const preset = (text: string) => ({ 'perf.config.mjs': "export default { extends: 'my-preset' }", 'node_modules/my-preset/package.json': pkg, 'node_modules/my-preset/index.js': text })
    const error = await load(preset('const x = 1\n')).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]).toMatchObject({ file: 'node_modules/my-preset/index.js', path: '(file)', found: 'no export' })
    expect((await load(preset("export const cache = { ttl: '3h' }\n"))).cache.ttl).toBe(10_800_000)
    expect((await load(preset("export default { cache: { ttl: '4h' } }\n"))).cache.ttl).toBe(14_400_000)
  })

  it("a native ES module preset's named exports are its keys, as a config file's are (c12)", async () => {
    const config = await load({ 'perf.config.mjs': "export default { extends: './base.mjs', cache: { ttl: '2h' } }", 'base.mjs': "export const cache = { ttl: '3h', maxSize: '10MB' }\n" })
    expect(config.cache.ttl).toBe(7_200_000)
    expect(config.cache.maxSize).toBe(10_000_000)
  })

  it('export default {}, module.exports in a .ts and a .cjs, a default function: they load', async () => {
    expect((await load({ 'perf.config.ts': 'export default {}\n' })).cache.ttl).toBe(86_400_000)
    expect((await load({ 'perf.config.ts': "module.exports = { cache: { ttl: '2h' } }\n" })).cache.ttl).toBe(7_200_000)
    expect((await load({ 'perf.config.cjs': 'module.exports = {}\n' })).cache.ttl).toBe(86_400_000)
    expect((await load({ 'perf.config.ts': "export default () => ({ cache: { ttl: '3h' } })\n" })).cache.ttl).toBe(10_800_000)
  })
})
