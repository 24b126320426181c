/**
 * The cache tiers' dir checks (fs-safety.ts has the rule and the report dir's sync check): a cache
 * dir someone else could write to, and a scope or namespace dir that is a symlink, refused. Only
 * the cache code uses them, so they are not on the start path.
 */
import * as fs from 'node:fs'
import { PerfError } from '../errors.js'
import { statDir, unsafeReason } from './fs-safety.js'

/** Per process: the dirs found safe (a missing or refused dir is looked at again). */
const safeDirs = new Set<string>()
/** Per process: the dirs unperf makes that were found not to be symlinks. */
const realDirs = new Set<string>()

/**
 * Like ssh with ~/.ssh: a cache dir (or a parent up to the cache root) owned by another user,
 * or writable by group or others, is refused: someone else could plant entries we would trust.
 */
export function checkDirSafe(dir: string): Promise<boolean> {
  try {
    return Promise.resolve(dirSafeSync(dir))
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * checkDirSafe, answered at once: true once found safe (remembered), false for a missing dir (or
 * dangling link, or one that cannot be looked at: its tier's calls fail and say so); throws
 * E_CACHE_DIR_UNSAFE. Sync: the checks are a sync lstat anyway, and a tier's first read awaited
 * three of them through promises (20 plugin namespaces: ≈ 60 000 instructions and 5 kB each).
 * The lstat also answers refuseSymlinkedDir for the same dir (no second lstat of a new namespace dir).
 */
export function dirSafeSync(dir: string): boolean {
  if (safeDirs.has(dir)) return true
  let st: fs.Stats | string | undefined
  let link: fs.Stats | undefined
  try {
    link = fs.lstatSync(dir, { throwIfNoEntry: false })
    // through a symlink (the cache root may be one: the user's to place), its target's (statDir)
    st = link?.isSymbolicLink() ? statDir(dir) : link
  } catch {
    return false
  }
  if (st === undefined) return false
  const why = typeof st === 'string' ? st : unsafeReason(st)
  if (why) throw new PerfError('E_CACHE_DIR_UNSAFE', `refusing the cache dir ${dir}: ${why}; fix it (chown/chmod 700) or set cache.dir`)
  safeDirs.add(dir)
  if (link && !link.isSymbolicLink()) realDirs.add(dir)
  return true
}

/**
 * A dir unperf makes itself (a scope's, a namespace's) that is a symlink is refused: one planted
 * there would serve another namespace's entries, or any dir's files, as this namespace's. (The
 * cache root may be a symlink: it is the user's to place.) One lstat per dir and process.
 */
export function refuseSymlinkedDir(dir: string): void {
  if (realDirs.has(dir)) return
  // a path through a file (ENOTDIR) or a dir we may not search: nothing there to refuse (the
  // tier's calls fail and say so)
  let st: fs.Stats | undefined
  try { st = fs.lstatSync(dir, { throwIfNoEntry: false }) } catch { return }
  if (st?.isSymbolicLink()) throw new PerfError('E_CACHE_DIR_UNSAFE', `refusing the cache dir ${dir}: it is a symlink (unperf makes its scope and namespace dirs itself, and a link there could lead to another namespace's entries); remove it`)
  if (st) realDirs.add(dir)
}
