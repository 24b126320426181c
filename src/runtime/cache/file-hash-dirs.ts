/**
 * A dir named in `files` (`files: ['src']`): what a build step reads is the files under it. Hashed
 * as one path, its content never reached the key (a dir is not a file), so an edit under it left
 * `wrap()` serving the value made from the old sources. Each named dir becomes a glob of every file
 * under it (dot files too, as the other globs). Run only when a named path turned out to be a dir.
 */
import { statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { tinyglobby } from '../_tinyglobby.js'

/** What `hashOne` gives for a dir: the caller swaps the globs with `namedDirsAsGlobs` and hashes again. */
export const DIR = 'dir'

export function isGlob(pattern: string): boolean {
  return /[*?[\]{}!]/.test(pattern)
}

/** `globs` with each named dir replaced by `<dir>/**`; undefined when none is a dir (any more). */
export function namedDirsAsGlobs(globs: string[], cwd: string): string[] | undefined {
  let changed = false
  const out = globs.map(g => {
    if (isGlob(g)) return g
    const path = isAbsolute(g) ? g : resolve(cwd, g)
    let dir = false
    try { dir = statSync(path).isDirectory() } catch { /* gone: hashed as missing */ }
    if (!dir) return g
    changed = true
    const rel = relative(cwd, path).split(sep).join('/')
    return rel === '' ? '**' : `${tinyglobby().escapePath(rel)}/**`
  })
  return changed ? out : undefined
}
