/**
 * `extends: ''` (or an empty entry in its list) was dropped by c12 without a word: the config ran
 * without the preset the user meant to name. An empty string is never what was meant: a config error
 * naming the file and the key path, in the main config, `.perfrc`, package.json's `perf` and a preset.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

async function issueOf(files: Record<string, string>): Promise<ConfigError['issues'][number]> {
  const error = await loadPerfConfig({ cwd: project(files), noSnapshot: true }).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).issues).toHaveLength(1)
  return (error as ConfigError).issues[0]!
}

const EXPECTED = 'a path or a package name (an empty string extends nothing)'
const BASE = { 'base.mjs': "export default { cache: { ttl: '2h' } }" }

describe("an empty extends", () => {
  it.each([
    ['perf.config.mjs', "export default { extends: '' }", 'extends', 18],
    // the list's empty item itself (docs/config.md's example)
    ['perf.config.mjs', "export default { extends: ['./base.mjs', ''] }", 'extends[1]', 42],
  ])('%s %s: a config error at %s', async (file, text, path, column) => {
    const issue = await issueOf({ 'package.json': PKG, [file]: text, ...BASE })
    expect(issue).toMatchObject({ file, path, expected: EXPECTED, found: '', line: 1, column })
    expect(issue.message).toMatch(new RegExp(`^${file.replace('.', '\\.')}(:\\d+:\\d+)?: ${path.replace(/[[\]]/g, '\\$&')}: expected ${EXPECTED.replace(/[()]/g, '\\$&')}, got ''$`))
  })

  it("in package.json's perf, a key=value .perfrc and a preset the config extends", async () => {
    expect(await issueOf({ 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', type: 'module', perf: { extends: '' } }) })).toMatchObject({ file: 'package.json', path: 'extends' })
    expect(await issueOf({ 'package.json': PKG, '.perfrc': 'extends=\n' })).toMatchObject({ file: '.perfrc', path: 'extends' })
    expect(await issueOf({ 'package.json': PKG, 'perf.config.mjs': "export default { extends: './presets/a.mjs' }", 'presets/a.mjs': "export default { extends: [''] }" })).toMatchObject({ file: 'presets/a.mjs', path: 'extends[0]' })
  })

  it('extends: [] and a named preset still load', async () => {
    await expect(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.mjs': 'export default { extends: [] }' }), noSnapshot: true })).resolves.toBeDefined()
    const config = await loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.mjs': "export default { extends: './base.mjs' }", ...BASE }), noSnapshot: true })
    expect(config.cache.ttl).toBe(7_200_000)
  })

  it('unperf config exits 2 with it', () => {
    const r = unperf(project({ 'package.json': PKG, 'perf.config.mjs': "export default { extends: '' }" }), 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`extends: expected ${EXPECTED}, got ''`)
  })
})
