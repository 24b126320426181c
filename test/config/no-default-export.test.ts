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

  it('in a preset it extends', async () => {
    const error = await load({ 'perf.config.mjs': "export default { extends: './presets/base.ts' }", 'presets/base.ts': NO_EXPORT }).then(() => undefined, (e: unknown) => e)
    expect((error as ConfigError).issues[0]).toMatchObject({ file: 'presets/base.ts', path: '(file)' })
  })

  it('export default {}, module.exports in a .ts and a .cjs, a default function: they load', async () => {
    expect((await load({ 'perf.config.ts': 'export default {}\n' })).cache.ttl).toBe(86_400_000)
    expect((await load({ 'perf.config.ts': "module.exports = { cache: { ttl: '2h' } }\n" })).cache.ttl).toBe(7_200_000)
    expect((await load({ 'perf.config.cjs': 'module.exports = {}\n' })).cache.ttl).toBe(86_400_000)
    expect((await load({ 'perf.config.ts': "export default () => ({ cache: { ttl: '3h' } })\n" })).cache.ttl).toBe(10_800_000)
  })
})
