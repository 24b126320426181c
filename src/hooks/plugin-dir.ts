/**
 * A plugin path that names a directory (`plugins: ['./plugins/git-info']`, a local plugin package):
 * node's `import()` refuses it with "Directory import '...' is not supported resolving ES modules
 * imported from <unperf's dist file>", which sent its author to unperf's code. The message names the
 * file to write instead: the one the directory's package.json points to (its `exports` as node's
 * import() reads them, else `main`), else its `index.mjs`, `index.js` or `index.cjs`. Error paths only.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { exportTarget } from './_resolve-package.js'

/** `'./plugins/git-info' is a directory: ...; write './plugins/git-info/dist/index.js'` (the path as written when relative). */
export function directoryPluginMessage(dir: string, rootDir: string): string {
  const entry = entryOf(dir)
  const shown = (path: string) => {
    const rel = relative(rootDir, path)
    return rel.startsWith('..') || rel === '' ? path : `./${rel.split(sep).join('/')}`
  }
  return `'${shown(dir)}' is a directory: a plugin's path names its file, with its extension (.mjs, .js, .cjs)${entry ? `; write '${shown(entry)}'` : ''} (a plugin package installed in node_modules is given by its name)`
}

function entryOf(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; main?: unknown }
    const target = exportTarget(pkg.exports, '.') ?? (typeof pkg.main === 'string' ? pkg.main : undefined)
    if (target !== undefined && existsSync(join(dir, target))) return join(dir, target)
  } catch { /* no package.json, or not JSON: its index file, if any */ }
  return ['index.mjs', 'index.js', 'index.cjs'].map(name => join(dir, name)).find(file => existsSync(file))
}
