/**
 * Raw config layers (before env blocks are applied), as loaded by c12 or by the snapshot fast path,
 * and how they combine: the same rules as c12 (overrides > main > .perfrc > package.json#perf,
 * then `extends` layers), with unperf's merger.
 */
import { relative, sep } from 'node:path'
import { applyEnv, mergeConfig, stripMetaKeys } from './merge.js'
import { layerOfPath } from './layer-of-path.js'
import { unwrapPluginExports } from './plugin-exports.js'
import { rebasePluginPaths } from './plugin-paths.js'

type Obj = Record<string, unknown>

export type LayerSource = 'overrides' | 'main' | 'rc' | 'packageJson' | 'extends'

export interface RawLayer {
  source: LayerSource
  /** Absolute path of the file the layer came from. */
  file?: string
  /** The overrides layer's name in messages: the call it was given to (`loadPerfConfig({ overrides })`). */
  name?: string
  config: Obj
}

export interface MergedConfig {
  /** Merged, env applied, `$`-keys and `extends` stripped: what gets validated and resolved. */
  config: Obj
  /** Env-applied layers in priority order (highest first), for key attribution and `unperf config`. */
  layers: RawLayer[]
}

export function mergeLayers(layers: RawLayer[], env: string, overrides: Obj | undefined, overridesName?: string): MergedConfig {
  const applied: RawLayer[] = []
  if (overrides && Object.keys(overrides).length > 0) applied.push({ source: 'overrides', config: applyEnv(unwrapPluginExports(overrides), env), ...(overridesName && { name: overridesName }) })
  // every layer: the config file, what it extends, `.perfrc`, package.json's `perf` (c12 applies
  // environment blocks to the first two only: a `$development` in `.perfrc` would be dropped silently)
  // (a plugin imported from a package compiled to CommonJS is its module.exports: its `default` is the plugin)
  // (a preset's plugins, given by path or package name, are resolved from the preset's dir: plugin-paths.ts, a
  // deferred module loaded only when a preset lists plugins)
  for (const layer of layers) {
    const config = applyEnv(unwrapPluginExports(layer.config), env)
    applied.push({ ...layer, config: layer.source === 'extends' && layer.file && Array.isArray(config.plugins) ? rebasePluginPaths(config, layer.file) : config })
  }
  const base = applied.filter(l => l.source !== 'extends').map(l => l.config)
  const ext = applied.filter(l => l.source === 'extends').map(l => l.config)
  const merged = mergeConfig({}, ...base, ...ext) as Obj
  return { config: stripMetaKeys(merged), layers: applied }
}

/**
 * The display name of the layer that set `path`, or its nearest parent (highest priority first), e.g.
 * `perf.config.ts`: for config messages only, worked out by layer-of-path.ts (a deferred module).
 */
export function fileForPath(layers: RawLayer[], rootDir: string): (path: string) => string {
  return (path: string) => layerOfPath(layers, rootDir, path)
}

export function layerName(layer: RawLayer, rootDir: string): string {
  if (layer.source === 'overrides') return layer.name ?? 'createPerf({ overrides })'
  if (layer.source === 'packageJson') return 'package.json#perf'
  if (!layer.file) return layer.source
  // a file inside rootDir (the usual case) without path.relative's two resolve() calls on every start
  if (layer.file.startsWith(rootDir) && layer.file[rootDir.length] === sep && !rootDir.endsWith(sep)) {
    const rest = layer.file.slice(rootDir.length + 1)
    if (rest[0] !== '.' && !rest.includes(`${sep}.`)) return rest
  }
  const rel = relative(rootDir, layer.file)
  return rel && !rel.startsWith('..') ? rel : layer.file
}
