/**
 * API.md "perf.config.ts" on the fast path, held against the packed package: the resolved config a
 * warm start gives (the snapshot, imported by node itself) is the one a cold load (c12 + jiti) gives,
 * for configs whose snapshot is an ES module (they import a package).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, resultOf } from './_packed.js'

/** Loads the project's config `times` times in one process, setting TTL to each of `ttls` before each load. */
const LOAD = `
  import { loadPerfConfigLayers } from 'unperf'
  const out = []
  for (const ttl of process.argv.slice(2)) {
    process.env.TTL = ttl
    const { loader, config } = await loadPerfConfigLayers()
    out.push({ loader, ttl: config.cache.ttl, maxSize: config.cache.maxSize })
  }
  console.log(JSON.stringify(out))`

// each test packs (the first in the file) and runs cold c12 loads in child processes: ≈ 11 s quiet,
// past vitest's 30 s under CI's load (36 s seen with helpers running)
describe('a config that imports a package (an ES module snapshot)', () => {
  it('is evaluated afresh at each load in one process, as c12 evaluates it: process.env read then, not at the first load', () => {
    // before: node's import() evaluated the snapshot once per process; a second createPerf() or
    // loadPerfConfig() after process.env changed got the first load's values (a cold load, the new ones)
    const dir = consumerProject({
      'load.mjs': LOAD,
      'node_modules/acme-values/package.json': JSON.stringify({ name: 'acme-values', version: '1.0.0', type: 'module', exports: './index.js' }),
      'node_modules/acme-values/index.js': 'export const fromEnv = () => process.env.TTL\n',
      'perf.config.ts': `import { definePerfConfig, type Duration } from 'unperf/config'\nimport { fromEnv } from 'acme-values'\nexport default definePerfConfig({ cache: { ttl: fromEnv() as Duration } })\n`,
    })
    const hours = (...h: number[]) => h.map(n => `${n}h`)
    // the first load through c12 (writing the snapshot), the next ones from the snapshot
    expect(resultOf(nodeIn(dir, 'load.mjs', hours(1, 2, 3))).map((r: { loader: string; ttl: number }) => [r.loader, r.ttl]))
      .toEqual([['c12', 3_600_000], ['snapshot', 7_200_000], ['snapshot', 10_800_000]])
    expect(resultOf(nodeIn(dir, 'load.mjs', hours(4, 5, 4))).map((r: { loader: string; ttl: number }) => [r.loader, r.ttl]))
      .toEqual([['snapshot', 14_400_000], ['snapshot', 18_000_000], ['snapshot', 14_400_000]])
  }, 180_000)

  it("a package whose file node cannot import (a workspace package's .ts source, a .json subpath): the warm start uses the snapshot, and an edit of it shows", () => {
    // before: the snapshot kept `import ... from '@acme/shared'` (a .ts entry) and '@acme/shared/data.json'
    // (no import attribute): every warm start failed to import it and loaded through c12 again, rewriting the snapshot
    const shared = 'node_modules/@acme/shared'
    const dir = consumerProject({
      'load.mjs': LOAD,
      [`${shared}/package.json`]: JSON.stringify({ name: '@acme/shared', version: '1.0.0', type: 'module', exports: { '.': './src/index.ts', './data.json': './data.json' } }),
      [`${shared}/src/index.ts`]: `export const ttl: string = '7h'\n`,
      [`${shared}/data.json`]: JSON.stringify({ maxSize: '12MB' }),
      'perf.config.ts': `import { definePerfConfig, type Duration, type Size } from 'unperf/config'\nimport { ttl } from '@acme/shared'\nimport data from '@acme/shared/data.json'\nexport default definePerfConfig({ cache: { ttl: ttl as Duration, maxSize: data.maxSize as Size } })\n`,
    })
    expect(resultOf(nodeIn(dir, 'load.mjs', ['-', '-']))).toEqual([
      { loader: 'c12', ttl: 25_200_000, maxSize: 12_000_000 },
      { loader: 'snapshot', ttl: 25_200_000, maxSize: 12_000_000 },
    ])
    expect(resultOf(nodeIn(dir, 'load.mjs', ['-']))).toEqual([{ loader: 'snapshot', ttl: 25_200_000, maxSize: 12_000_000 }])
    // its files are the snapshot's inputs: an edit of either is loaded, cold once, then warm
    writeFileSync(join(dir, shared, 'src/index.ts'), `export const ttl: string = '9h'\n`)
    writeFileSync(join(dir, shared, 'data.json'), JSON.stringify({ maxSize: '13MB' }))
    expect(resultOf(nodeIn(dir, 'load.mjs', ['-', '-']))).toEqual([
      { loader: 'c12', ttl: 32_400_000, maxSize: 13_000_000 },
      { loader: 'snapshot', ttl: 32_400_000, maxSize: 13_000_000 },
    ])
  }, 180_000)
})
