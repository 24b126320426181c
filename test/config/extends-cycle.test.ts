/**
 * A cycle of `extends`: c12 has no check. Two presets extending each other, or one extending the
 * config that extends it, failed with `could not load the config: Cannot read properties of
 * undefined (reading 'push')` naming neither file (node's module cache gives an ES module preset
 * back as the object c12 already extended); one extending itself was taken once without a word.
 * Now a config error naming the file whose extends closes the cycle, and the chain.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

async function cycleError(files: Record<string, string>): Promise<ConfigError> {
  const error = await loadPerfConfig({ cwd: project({ 'package.json': PKG, ...files }), noSnapshot: true }).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).issues).toHaveLength(1)
  return error as ConfigError
}

const EXPECTED = 'a preset that does not extend this file (no cycle)'

describe('a cycle of extends', () => {
  it('two presets extending each other: the file closing it, its extends and the chain', async () => {
    const error = await cycleError({
      'perf.config.mjs': "export default { extends: './presets/a.mjs' }",
      'presets/a.mjs': "export default { extends: './b.mjs', cache: { ttl: '2h' } }",
      'presets/b.mjs': "export default { extends: './a.mjs', cache: { maxSize: '3MB' } }",
    })
    expect(error.issues[0]).toMatchObject({ file: 'presets/b.mjs', path: 'extends', expected: EXPECTED, found: './a.mjs', line: 1, column: 18 })
    expect(error.message).toContain("presets/b.mjs:1:18: extends: './a.mjs' makes a cycle (presets/a.mjs → presets/b.mjs → presets/a.mjs): a preset cannot extend a config that extends it")
  })

  it('a preset extending the config that extends it, itself, or through preset dirs', async () => {
    const main = await cycleError({ 'perf.config.ts': "export default { extends: './presets/a.mjs' }", 'presets/a.mjs': "export default { extends: '../perf.config.ts', cache: { ttl: '2h' } }" })
    expect(main.message).toContain("presets/a.mjs:1:18: extends: '../perf.config.ts' makes a cycle (perf.config.ts → presets/a.mjs → perf.config.ts)")
    const self = await cycleError({ 'perf.config.mjs': "export default { extends: './presets/a.mjs' }", 'presets/a.mjs': "export default { extends: './a.mjs', cache: { ttl: '2h' } }" })
    expect(self.message).toContain("presets/a.mjs:1:18: extends: './a.mjs' makes a cycle (presets/a.mjs → presets/a.mjs)")
    const dirs = await cycleError({
      'perf.config.mjs': "export default { extends: './presets/one' }",
      'presets/one/perf.config.mjs': "export default { extends: '../two', cache: { ttl: '2h' } }",
      'presets/two/perf.config.ts': "export default { extends: '../one' }",
    })
    expect(dirs.message).toContain("presets/two/perf.config.ts:1:18: extends: '../one' makes a cycle (presets/one/perf.config.mjs → presets/two/perf.config.ts → presets/one/perf.config.mjs)")
  })

  it('a preset extended twice (a diamond) is no cycle; the CLI exits 2 on one', async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.mjs': "export default { extends: ['./presets/a.mjs', './presets/b.mjs'] }",
      'presets/a.mjs': "export default { extends: './base.mjs', cache: { ttl: '2h' } }",
      'presets/b.mjs': "export default { extends: './base.mjs' }",
      'presets/base.mjs': "export default { cache: { maxSize: '3MB' } }",
    })
    const config = await loadPerfConfig({ cwd: dir, noSnapshot: true })
    expect([config.cache.ttl, config.cache.maxSize]).toEqual([7_200_000, 3_000_000])
    const cyclic = project({ 'package.json': PKG, 'perf.config.mjs': "export default { extends: './a.mjs' }", 'a.mjs': "export default { extends: './perf.config.mjs' }" })
    const r = unperf(cyclic, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("a.mjs:1:18: extends: './perf.config.mjs' makes a cycle (perf.config.mjs → a.mjs → perf.config.mjs)")
  })
})
