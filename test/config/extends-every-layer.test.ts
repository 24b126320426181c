/**
 * Every root layer's `extends` applies: the config file's, `.perfrc`'s and package.json's `perf`.
 * c12 merges those three with unperf's merger before it resolves `extends`, and that merger let the
 * higher layer's list replace the lower one's (arrays replace), so a preset listed in package.json's
 * `perf` or `.perfrc` was dropped without a word as soon as the config file extended anything
 * (plain c12, whose defu concatenates lists, applied both).
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfigLayers } from '../../src/config/load.js'
import { project } from './_fixtures.js'

const PRESETS = {
  'a.mjs': "export default { cache: { swr: '1m', compress: '1KB' } }",
  'base.mjs': "export default { cache: { ttl: '2h', maxSize: '5KB', compress: '5KB' } }",
}
const pkg = (perf?: unknown) => JSON.stringify({ name: 'acme-cli', version: '1.0.0', type: 'module', ...(perf !== undefined && { perf }) })

describe('extends in the config file, .perfrc and package.json#perf', () => {
  it.each([
    ["package.json's perf (lists)", { 'package.json': pkg({ extends: ['./base.mjs'] }), 'perf.config.mjs': "export default { extends: ['./a.mjs'] }" }],
    ["package.json's perf (strings)", { 'package.json': pkg({ extends: './base.mjs' }), 'perf.config.mjs': "export default { extends: './a.mjs' }" }],
    ['.perfrc', { 'package.json': pkg(), '.perfrc': 'extends[]=./base.mjs\n', 'perf.config.mjs': "export default { extends: ['./a.mjs'] }" }],
  ])('%s: both presets apply, the config file\'s over the other\'s, cold and warm', async (_, files) => {
    const rootDir = project({ ...PRESETS, ...files })
    for (const loader of ['c12', 'snapshot']) {
      const loaded = await loadPerfConfigLayers({ rootDir })
      expect(loaded.loader).toBe(loader)
      const { ttl, maxSize, swr, compress } = loaded.config.cache
      expect({ ttl, maxSize, swr, compress }).toEqual({ ttl: 7_200_000, maxSize: 5000, swr: 60_000, compress: 1000 })
      expect(loaded.layers.filter(l => l.source === 'extends').map(l => l.name)).toEqual(['a.mjs', 'base.mjs'])
    }
  })
})
