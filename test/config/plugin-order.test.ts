/**
 * `plugins` of every layer concatenate, the lower layer's first, and are set up in that order: a
 * preset's (`extends`), the project's, its env block's, then `createPerf({ overrides })`'. defu's
 * concatenation put the higher layer's first, so an env block's plugin was set up before the
 * project's (and could not see what they put in `shared`), against what the types said ("plugins
 * of this layer, after those of the layers below it").
 */
import { expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const plugin = (name: string) => `{ name: '${name}', setup() { (globalThis.__order ??= []).push('${name}') } }`

it.each([true, false])('plugins are set up lowest layer first (noSnapshot: %s)', async noSnapshot => {
  (globalThis as { __order?: string[] }).__order = []
  const dir = projectWith(`export default { ${BASE}, extends: ['./preset.mjs'], plugins: [${plugin('project')}],
    $env: { ci: { plugins: [${plugin('ci')}] } } }`, {
    'preset.mjs': `export default { plugins: [${plugin('preset')}] }`,
  }, 'plugin-order-cli')
  const perf = await createPerf({ cwd: dir, env: 'ci', noExitHandlers: true, noSnapshot, overrides: { plugins: [{ name: 'override', setup() { (globalThis as { __order?: string[] }).__order!.push('override') } }] } })
  await perf.close()
  expect((globalThis as { __order?: string[] }).__order).toEqual(['preset', 'project', 'ci', 'override'])
  expect(perf.config.plugins.map(p => (p.plugin as { name: string }).name)).toEqual(['preset', 'project', 'ci', 'override'])
  // the layer each is listed in (the env block's is its file's), what a duplicate's warning names
  expect(perf.config.plugins.map(p => p.from)).toEqual(['preset.mjs', 'perf.config.mjs', 'perf.config.mjs', 'createPerf({ overrides })'])
})
