/**
 * Plugins listed by a preset (a layer `extends` brought in: a package, or a file elsewhere) are the
 * preset's: `'./plugins/audit.mjs'` is a file beside the preset, and `'unperf-plugin-x'` the
 * preset's own dependency. Both were resolved from rootDir (the host's package): a preset package
 * shipping its plugins failed to load them (`no file <host>/plugins/audit.mjs`), and under pnpm its
 * dependencies are not visible from the host. An extends layer's entries are rewritten here to the
 * file found from the preset's dir; one not found there stays as written (resolved from rootDir as
 * before: a local preset file may have been written with rootDir-relative paths).
 */
import { dirname, isAbsolute, resolve } from 'node:path'
import { resolvePackageImport } from '../hooks/_resolve-package.js'

type Obj = Record<string, unknown>

/** The layer's config with its `plugins` resolved from `file`'s dir; the same object when nothing changes. */
export function rebasePluginPaths(config: Obj, file: string): Obj {
  const list = config.plugins
  if (!Array.isArray(list)) return config
  const dir = dirname(file)
  let changed = false
  const rebased = list.map((entry: unknown) => {
    const isTuple = Array.isArray(entry)
    const spec = isTuple ? (entry as unknown[])[0] : entry
    if (typeof spec !== 'string' || spec === '' || isAbsolute(spec)) return entry
    const found = spec.startsWith('.') ? localFile(dir, spec) : packageFile(dir, spec)
    if (found === undefined) return entry
    changed = true
    return isTuple ? [found, ...(entry as unknown[]).slice(1)] : found
  })
  return changed ? { ...config, plugins: rebased } : config
}

function localFile(dir: string, spec: string): string | undefined {
  const file = resolve(dir, spec)
  const { existsSync } = process.getBuiltinModule('node:fs') as typeof import('node:fs')
  return existsSync(file) ? file : undefined
}

/** What `import(spec)` loads from the preset's dir (its `exports`' import condition, else require's lookup). */
function packageFile(dir: string, spec: string): string | undefined {
  const file = resolvePackageImport(spec, dir)
  if (file) return file
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
  try {
    return createRequire(resolve(dir, 'package.json')).resolve(spec)
  } catch {
    return undefined
  }
}

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
