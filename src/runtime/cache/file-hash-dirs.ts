/**
 * A dir named in `files` (`files: ['src']`): what a build step reads is the files under it. Hashed
 * as one path, its content never reached the key (a dir is not a file), so an edit under it left
 * `wrap()` serving the value made from the old sources. Each named dir becomes a glob of every file
 * under it (dot files too, as the other globs), found by the stat that hashes the named paths (file-hash.ts).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { tinyglobby } from '../_tinyglobby.js'

/** What `hashOne` gives for a dir: `namedDirsAsGlobs` globs it instead. */
export const DIR = 'dir'

export function isGlob(pattern: string): boolean {
  return /[*?[\]{}!]/.test(pattern)
}

/**
 * The named paths `hashOne` found dirs (their hash {@link DIR}), taken out of `files` and `hashed`: the
 * globs the hash is over, each such dir as `<dir>/**`, and the patterns to glob (the given ones too).
 */
export function namedDirsAsGlobs(globs: string[], cwd: string, files: Set<string>, patterns: string[], hashed: Map<string, string>): [keyGlobs: string[], patterns: string[]] {
  const dirs = new Set<string>()
  for (const [f, hash] of hashed) if (hash === DIR) dirs.add(f)
  if (dirs.size === 0) return [globs, patterns]
  for (const d of dirs) { files.delete(d); hashed.delete(d) }
  const expanded = globs.map(g => {
    if (isGlob(g)) return g
    const path = isAbsolute(g) ? g : resolve(cwd, g)
    if (!dirs.has(path)) return g
    const rel = relative(cwd, path).split(sep).join('/')
    return rel === '' ? '**' : `${tinyglobby().escapePath(rel)}/**`
  })
  return [expanded, expanded.filter(isGlob)]
}
