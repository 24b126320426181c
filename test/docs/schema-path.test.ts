/**
 * The `$schema` path the docs give for a `perf.config.json` (docs/config.md): it said only "point
 * `$schema` at it", and the package path `unperf/schema.json` is one editors do not resolve in a
 * JSON file's `$schema`. The path given is a file the package publishes, and a config that sets it
 * loads (unperf ignores the key), cold and from the snapshot.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { loadPerfConfigLayers } from '../../src/config/load.js'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '../..')

it("the docs' $schema path for perf.config.json is a published file, and a config with it loads", async () => {
  const docs = readFileSync(join(root, 'docs/config.md'), 'utf8')
  const paths = [...docs.matchAll(/"\$schema": "\.\/node_modules\/unperf\/([^"]+)"/g)].map(m => m[1]!)
  expect(paths).toEqual(['schema/perf.config.schema.json'])
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }
  expect(existsSync(join(root, paths[0]!))).toBe(true)
  expect(pkg.files).toContain(paths[0]!.split('/')[0])
  const dir = tempDir('unperf-schema-path-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'schema-path', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ $schema: `./node_modules/unperf/${paths[0]}`, cache: { ttl: '3h' } }))
  const cold = await loadPerfConfigLayers({ cwd: dir, env: 'production' })
  const warm = await loadPerfConfigLayers({ cwd: dir, env: 'production' })
  expect([cold.loader, cold.config.cache.ttl, warm.loader, warm.config.cache.ttl]).toEqual(['c12', 10_800_000, 'snapshot', 10_800_000])
})
