/**
 * The plugin files a config's layers name by path, for the config snapshot (snapshot-write.ts):
 * apart from plugin-paths.ts, which the start path loads, so that this stays in the snapshot
 * writer's lazy chunk.
 */
import { dirname, isAbsolute, resolve } from 'node:path'

type Obj = Record<string, unknown>

/**
 * The files `plugins` entries of these raw layers name by path (every env block's too: the
 * snapshot serves every env): where the plugin loader may load them from, resolved from rootDir,
 * and from a preset's dir for a preset's entry. The config snapshot keeps its imports of these
 * files as imports: bundled into the snapshot, a plugin file the config imports and another
 * layer lists by path ran its top-level code twice on every warm start (two module instances).
 */
export function pluginFiles(layers: ReadonlyArray<{ source: string; file?: string | undefined; config: Obj }>, rootDir: string): Set<string> {
  const files = new Set<string>()
  const add = (list: unknown, layerFile: string | undefined) => {
    if (!Array.isArray(list)) return
    for (const entry of list) {
      const spec = Array.isArray(entry) ? (entry as unknown[])[0] : entry
      if (typeof spec !== 'string' || !(spec.startsWith('.') || isAbsolute(spec))) continue
      files.add(resolve(rootDir, spec))
      if (layerFile !== undefined) files.add(resolve(dirname(layerFile), spec))
    }
  }
  for (const layer of layers) {
    const preset = layer.source === 'extends' ? layer.file : undefined
    add(layer.config.plugins, preset)
    for (const [key, block] of Object.entries(layer.config)) {
      if (!key.startsWith('$') || !block || typeof block !== 'object') continue
      if (key === '$env') for (const env of Object.values(block as Obj)) add((env as Obj | undefined)?.plugins, preset)
      else add((block as Obj).plugins, preset)
    }
  }
  return files
}

/** Whether a layer, or an env block of one, sets `bundlePlugins: true` (the plugin bundle is built only then). */
export function wantsPluginBundle(layers: ReadonlyArray<{ config: Obj }>): boolean {
  for (const layer of layers) {
    if (layer.config.bundlePlugins === true) return true
    for (const [key, block] of Object.entries(layer.config)) {
      if (!key.startsWith('$') || !block || typeof block !== 'object') continue
      if (key === '$env' ? Object.values(block as Obj).some(env => (env as Obj | undefined)?.bundlePlugins === true) : (block as Obj).bundlePlugins === true) return true
    }
  }
  return false
}
