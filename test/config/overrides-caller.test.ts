/**
 * A problem in `overrides` names the call they were given to: `loadPerfConfig({ overrides })`
 * (and loadPerfConfigLayers') said `createPerf({ overrides }): cache.ttl: ...`, a function the
 * caller never called; so did `layers[].name`.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig, loadPerfConfigLayers } from '../../src/config/load.js'
import { createPerf } from '../../src/runtime/perf.js'
import { PKG, project } from './_fixtures.js'

const messageOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.message)

describe('overrides in messages', () => {
  it('are named after the call they were given to', async () => {
    const dir = project({ 'package.json': PKG })
    expect(await messageOf(loadPerfConfig({ cwd: dir, overrides: { cache: { ttl: 0 } } }))).toContain('loadPerfConfig({ overrides }): cache.ttl: expected a duration greater than 0')
    expect(await messageOf(loadPerfConfigLayers({ cwd: dir, overrides: { cache: { ttl: 0 } } }))).toContain('loadPerfConfigLayers({ overrides }): cache.ttl:')
    expect(await messageOf(loadPerfConfig({ cwd: dir, overrides: { $env: { ci: { cache: { ttl: '10 parsecs' as '10m' } } } } }))).toContain(`loadPerfConfig({ overrides }): $env.ci.cache.ttl: expected a duration like '10m'`)
    const layers = await loadPerfConfigLayers({ cwd: dir, overrides: { cache: { ttl: '1h' } } })
    expect(layers.layers.map(l => l.name)).toEqual(['loadPerfConfigLayers({ overrides })'])
    // createPerf's are createPerf's, as before
    expect(await messageOf(createPerf({ cwd: dir, noExitHandlers: true, overrides: { cache: { ttl: 0 } } }))).toContain('createPerf({ overrides }): cache.ttl:')
    expect(await messageOf(loadPerfConfig({ rootDir: `${dir}/missing` }))).toContain('loadPerfConfig({ rootDir }):')
    expect(await messageOf(loadPerfConfigLayers({ rootDir: `${dir}/missing` }))).toContain('loadPerfConfigLayers({ rootDir }):')
  })
})

describe('extends in overrides', () => {
  // c12 applies an `extends` given in its overrides; unperf merged the overrides as values and
  // dropped it without a word (the preset never applied)
  it('is a config error named after the call, at the top level or in an env block', async () => {
    const dir = project({ 'package.json': PKG, 'dev.mjs': `export default { name: 'from-dev' }` })
    expect(await messageOf(loadPerfConfig({ cwd: dir, overrides: { extends: './dev.mjs' } })))
      .toContain("loadPerfConfig({ overrides }): extends: expected no extends in overrides (they are values above every layer: extend from the config file, or pass the preset's values), got './dev.mjs'")
    // (the types refuse it too: a caller in JavaScript, or past a cast, still gets the run-time error)
    // @ts-expect-error extends in an env block
    expect(await messageOf(createPerf({ cwd: dir, noExitHandlers: true, overrides: { $env: { ci: { extends: ['./dev.mjs'] } } } })))
      .toContain("createPerf({ overrides }): $env.ci.extends: expected no extends in an env block")
  })
})
