import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/**
 * A project whose `main.mjs` loads its perf config (ttl 3m) and prints the loader and the ttl: where
 * the config snapshot goes and whether it is read. `nodeModules`: with a node_modules dir (the
 * snapshot's place is node_modules/.cache/unperf), else the platform cache dir is.
 */
export function snapshotProject(prefix: string, nodeModules: boolean): string {
  const dir = tempDir(prefix)
  if (nodeModules) mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { ttl: '3m' } }`)
  writeFileSync(join(dir, 'main.mjs'), `import { loadPerfConfigLayers } from ${JSON.stringify(dist)}
const { config, loader } = await loadPerfConfigLayers()
console.log(loader, config.cache.ttl)`)
  return dir
}
