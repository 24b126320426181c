/**
 * Local plugin files loaded in one go. Each `require()` of an ES module file goes through the
 * CommonJS loader first (resolve, stat, read) and then node's ES module loader on its own: with 20
 * plugin files, that is 20 of each. One small ES module that re-exports every plugin file
 * (`export * as p0 from 'file:///…/p01.mjs'`), required once, gives node's ES module loader the
 * whole list as one graph: measured 18.6 → 14.7 ms for 20 plugin files (bench/results/startup.md).
 *
 * The files are loaded by their URL into node's module map, as before: a plugin module is the one
 * instance the host's own `import()` of that file gets. Evaluation order is the list's order. Any
 * failure (a plugin that throws, a syntax error, a missing file, top-level await, a Node without
 * require(esm), an unwritable cache dir) returns nothing, and the caller loads each file alone,
 * which reports the failing plugin by name.
 *
 * The re-export module lives in the platform cache dir (`unperf/plugin-imports/<hash>.mjs`, 0600
 * in a 0700 dir), named by a hash of its text and compared with it before use.
 */
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { platformCacheDir, shortHash } from '../runtime/project.js'
import { writeFileAtomicSync } from '../runtime/write-file-atomic.js'

/** Files require() takes as they are (see importFile in plugins.ts). */
export const REQUIRABLE = /\.(?:mjs|cjs|js)$/

/** Re-export modules kept: the newest, by use. */
const KEEP = 32

/**
 * Loads `files` (absolute paths) together: their module namespaces by path, or undefined when one
 * of them could not load (the caller then loads each on its own).
 */
export function loadPluginFiles(files: string[]): Map<string, Record<string | symbol, unknown>> | undefined {
  const unique = [...new Set(files)].filter(f => REQUIRABLE.test(f))
  if (unique.length < 2 || process.features.require_module !== true || process.env.UNPERF_PLUGIN_BATCH === '0') return undefined
  const text = unique.map((file, i) => `export * as p${i} from ${JSON.stringify(pathToFileURL(file).href)};\n`).join('')
  let path: string
  try {
    path = reExportModule(text)
  } catch {
    return undefined
  }
  try {
    const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
    const all = createRequire(path)(path) as Record<string, Record<string | symbol, unknown>>
    return new Map(unique.map((file, i) => [file, all[`p${i}`]!]))
  } catch {
    return undefined
  }
}

/** The re-export module for `text`, written when missing or different. */
function reExportModule(text: string): string {
  const dir = join(platformCacheDir('unperf'), 'plugin-imports')
  const path = join(dir, `${shortHash(text)}.mjs`)
  let current: string | undefined
  try {
    current = readFileSync(path, 'utf8')
  } catch {}
  if (current !== text) {
    writeFileAtomicSync(path, text, { mkdir: true })
    prune(dir, path)
  }
  return path
}

/** Keeps the newest KEEP re-export modules (by mtime: a module is rewritten only when its text changes). */
function prune(dir: string, keep: string): void {
  try {
    const names = readdirSync(dir).filter(n => n.endsWith('.mjs'))
    if (names.length <= KEEP) return
    const byAge = names.map(n => ({ path: join(dir, n), t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => b.t - a.t)
    for (const { path } of byAge.slice(KEEP)) if (path !== keep) unlinkSync(path)
  } catch {}
}
