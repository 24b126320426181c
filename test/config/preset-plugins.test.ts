/**
 * Plugins a preset lists are the preset's: a path beside its config file, a package name its own
 * dependency. Both were resolved from rootDir (the host's package), so a preset package that ships
 * its plugins failed to load them (`no file <host>/plugins/audit.mjs`), and a plugin package the
 * preset depends on, installed under the preset (pnpm, or a version conflict), was "not installed".
 * A local preset file written with rootDir-relative paths still loads them, on both load paths.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { captureStderr } from '../helpers/stderr.js'
import { BASE, projectWith } from '../helpers/project.js'

const plugin = (name: string) => `export default { name: '${name}', setup({ options }) { (globalThis.__preset ??= []).push('${name}' + (options.from ? ' ' + options.from : '')) } }`

describe("a preset's plugins", () => {
  it.each([true, false])('load from the preset package: its own files and its own dependencies (noSnapshot: %s)', async noSnapshot => {
    (globalThis as { __preset?: string[] }).__preset = []
    const preset = 'node_modules/acme-preset'
    const dir = projectWith(`export default { ${BASE}, extends: ['acme-preset'], plugins: ['./plugins/own.mjs'] }`, {
      [`${preset}/package.json`]: JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      [`${preset}/perf.config.mjs`]: `export default { plugins: ['./plugins/audit.mjs', ['acme-plugin-dep', { from: 'preset' }]] }`,
      [`${preset}/plugins/audit.mjs`]: plugin('audit'),
      [`${preset}/node_modules/acme-plugin-dep/package.json`]: JSON.stringify({ name: 'acme-plugin-dep', version: '1.0.0', type: 'module', exports: { '.': { import: './index.mjs' } } }),
      [`${preset}/node_modules/acme-plugin-dep/index.mjs`]: plugin('dep'),
      'plugins/own.mjs': plugin('own'),
    }, 'preset-plugins-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true, noSnapshot })
      await perf.close()
    })
    expect(text).toBe('')
    expect((globalThis as { __preset?: string[] }).__preset).toEqual(['audit', 'dep preset', 'own'])
  })

  it.each([true, false])('a local preset file: paths beside it, or relative to rootDir as before (noSnapshot: %s)', async noSnapshot => {
    (globalThis as { __preset?: string[] }).__preset = []
    const dir = projectWith(`export default { ${BASE}, extends: ['./presets/base.mjs'] }`, {
      'presets/base.mjs': `export default { plugins: ['./beside.mjs', './plugins/root-relative.mjs'] }`,
      'presets/beside.mjs': plugin('beside'),
      'plugins/root-relative.mjs': plugin('root-relative'),
    }, 'preset-local-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true, noSnapshot })
      await perf.close()
    })
    expect(text).toBe('')
    expect((globalThis as { __preset?: string[] }).__preset).toEqual(['beside', 'root-relative'])
  })

})
