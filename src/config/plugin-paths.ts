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
export function packageFile(dir: string, spec: string): string | undefined {
  const file = resolvePackageImport(spec, dir)
  if (file) return file
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
  try {
    return createRequire(resolve(dir, 'package.json')).resolve(spec)
  } catch {
    return undefined
  }
}
