/**
 * Which config layer set a key path (fileForPath() in layers.ts): config messages name the file. A
 * deferred module (scripts/build.mjs): only a config with a problem asks.
 */
import { layerName, type RawLayer } from './layers.js'
import { pathKeys } from './path-keys.js'

type Obj = Record<string, unknown>

/** The display name of the layer that set `path`, or its nearest parent (highest priority first), e.g. `perf.config.ts`. */
export function layerOfPath(layers: RawLayer[], rootDir: string, path: string): string {
  // a key that is missing (a redis tier's `url`) belongs to the layer that wrote its parent
  // (the tier), else its grandparent, ...: package.json#perf, not a perf.config that is not there
  const parts = pathKeys(path)
  for (let n = parts.length; n > 0; n--) {
    const layer = layers.find(l => hasPath(l.config, parts.slice(0, n)))
    if (layer) return layerName(layer, rootDir)
  }
  const main = layers.find(l => l.source === 'main')
  return main ? layerName(main, rootDir) : 'perf.config'
}

function hasPath(obj: unknown, parts: string[]): boolean {
  let current: unknown = obj
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return false
    current = (current as Obj)[part]
  }
  return true
}
