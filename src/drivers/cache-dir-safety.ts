/**
 * The cache tiers' dir checks (fs-safety.ts has the rule and the report dir's sync check): a cache
 * dir someone else could write to, and a scope or namespace dir that is a symlink, refused. Only
 * the cache code uses them, so they are not on the start path.
 */
import * as fs from 'node:fs'
import { PerfError } from '../errors.js'
import { statDir, unsafeReason } from './fs-safety.js'

/** Per process: the dirs found safe by a tier's first use (a missing or refused dir is looked at again). */
const safeDirs = new Map<string, Promise<boolean>>()

/**
 * Like ssh with ~/.ssh: a cache dir (or a parent up to the cache root) owned by another user,
 * or writable by group or others, is refused: someone else could plant entries we would trust.
 */
export function checkDirSafe(dir: string): Promise<boolean> {
  let check = safeDirs.get(dir)
  if (!check) {
    // sync: once per dir and process, where a thread-pool round trip waited ~0.5 ms behind other work;
    // one lstat (a symlink's target: a stat more), a missing dir (or dangling link) not safe yet
    check = Promise.resolve().then(() => statDir(dir)).then(st => {
      if (st === undefined) return false
      const why = typeof st === 'string' ? st : unsafeReason(st)
      if (why) throw new PerfError('E_CACHE_DIR_UNSAFE', `refusing the cache dir ${dir}: ${why}; fix it (chown/chmod 700) or set cache.dir`)
      return true
    }, () => false)
    const mine = check
    mine.then(found => { if (!found) safeDirs.delete(dir) }, () => safeDirs.delete(dir))
    safeDirs.set(dir, mine)
  }
  return check
}

/** Per process: the dirs unperf makes that were found not to be symlinks. */
const realDirs = new Set<string>()

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
