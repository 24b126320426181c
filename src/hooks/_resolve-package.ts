/**
 * Resolving a plugin given by package name as `import()` would from the host's package: the
 * `import` condition of `exports` (require.resolve picks `require`: a dual package's CommonJS
 * build), looked up from rootDir (a bare `import()` looks from unperf's own dir, which under pnpm,
 * or with unperf hoisted in a monorepo, cannot see the host's dependencies).
 */
import { dirname, join } from 'node:path'

// node's own for import(), 'module-sync' with require(esm) (Node >= 20.19, 22.12): a package that gives
// its ES module build under it (one instance for require() and import()) loaded its 'import' build
// and the user's own (`node -C development cli.mjs`, `NODE_OPTIONS=--conditions=development`), which
// node's import() honours: without them a plugin package's 'development' build was not the host's
// made on the first plugin package resolved: this module is on the start path, where no start without one reads them
let conditions: Set<string> | undefined
const CONDITIONS = (): Set<string> => (conditions ??= new Set(['node', 'import', 'default', ...(process.features.require_module === true ? ['module-sync'] : []), ...userConditions()]))

/** The file `import(specifier)` would load from `fromDir`, or undefined when it cannot be worked out here. */
export function resolvePackageImport(specifier: string, fromDir: string): string | undefined {
  const m = /^((?:@[^/]+\/)?[^/@.][^/]*)(\/.*)?$/.exec(specifier)
  if (!m) return undefined
  const [, name, rest] = m as unknown as [string, string, string | undefined]
  const { readFileSync } = process.getBuiltinModule('node:fs') as typeof import('node:fs')
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name)
    let pkg: { exports?: unknown } | undefined
    try { pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as typeof pkg } catch { /* not here */ }
    if (pkg) {
      const subpath = rest ? `.${rest}` : '.'
      // no `exports`: require.resolve (the caller's fallback) finds what import() would, `main` and all
      if (pkg.exports === undefined || pkg.exports === null) return undefined
      const target = exportsTarget(pkg.exports, subpath)
      return typeof target === 'string' && target.startsWith('./') ? join(pkgDir, target) : undefined
    }
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * The target `exports` gives `subpath` ('.': the package itself) under node's conditions for import(),
 * as written (`./dist/index.js`); undefined when none does. plugin-dir.ts names a local plugin
 * package's entry with it.
 */
export function exportTarget(exports: unknown, subpath: string): string | undefined {
  const target = exports === undefined || exports === null ? undefined : exportsTarget(exports, subpath)
  return typeof target === 'string' ? target : undefined
}

// --- internal ---

function exportsTarget(exports: unknown, subpath: string): unknown {
  const isMap = exports && typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some(k => k.startsWith('.'))
  if (!isMap) return subpath === '.' ? conditional(exports) : undefined
  const map = exports as Record<string, unknown>
  if (subpath in map) return conditional(map[subpath])
  // the most specific pattern that matches, as node picks it (PATTERN_KEY_COMPARE: the longest part
  // before '*', then the longer key), not the first in the map: with './*' written before
  // './plugins/*', 'pkg/plugins/a' loaded another file than the host's import() of it
  let best: { key: string; star: number } | undefined
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*')
    if (star < 0 || key.indexOf('*', star + 1) >= 0) continue
    const before = key.slice(0, star), after = key.slice(star + 1)
    if (!subpath.startsWith(before) || !subpath.endsWith(after) || subpath.length < key.length) continue
    if (!best || star > best.star || (star === best.star && key.length > best.key.length)) best = { key, star }
  }
  if (!best) return undefined
  const target = conditional(map[best.key])
  const matched = subpath.slice(best.star, subpath.length - (best.key.length - best.star - 1))
  return typeof target === 'string' ? target.replaceAll('*', matched) : undefined
}

function conditional(value: unknown): unknown {
  if (typeof value === 'string' || value === null) return value
  if (Array.isArray(value)) {
    for (const item of value) { const t = conditional(item); if (typeof t === 'string') return t }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const [condition, target] of Object.entries(value)) {
      if (!CONDITIONS().has(condition)) continue
      const t = conditional(target)
      if (t !== undefined) return t
    }
  }
  return undefined
}

/** `--conditions=x`, `--conditions x`, `-C x`, `-C=x` in node's own arguments and NODE_OPTIONS. */
function userConditions(): string[] {
  const args = [...process.execArgv, ...nodeOptionsArgs(process.env.NODE_OPTIONS ?? '')]
  const found: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const eq = /^(?:--conditions|-C)=(.+)$/.exec(arg)
    if (eq) found.push(eq[1]!)
    else if ((arg === '--conditions' || arg === '-C') && i + 1 < args.length) found.push(args[++i]!)
  }
  return found
}

/**
 * NODE_OPTIONS split as node splits it: on spaces outside double quotes, the quotes taken off, a
 * backslash in quotes escaping the next character (`--conditions="development"` is `development`).
 */
function nodeOptionsArgs(text: string): string[] {
  const args: string[] = []
  let arg: string | undefined
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === '\\' && i + 1 < text.length) arg = (arg ?? '') + text[++i]
    else if (c === '"') { quoted = !quoted; arg ??= '' }
    else if (!quoted && /\s/.test(c)) { if (arg !== undefined) args.push(arg); arg = undefined }
    else arg = (arg ?? '') + c
  }
  if (arg !== undefined) args.push(arg)
  return args
}
