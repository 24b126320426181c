/** The cache dirs' safety check: refuse a dir someone else could write to. */
import * as fs from 'node:fs'
import { PerfError } from '../errors.js'

/** Per process: the dirs found safe by a tier's first use (a missing or refused dir is looked at again). */
const safeDirs = new Map<string, Promise<boolean>>()

/**
 * Like ssh with ~/.ssh: a cache dir (or a parent up to the cache root) owned by another user,
 * or writable by group or others, is refused: someone else could plant entries we would trust.
 */
export function checkDirSafe(dir: string): Promise<boolean> {
  let check = safeDirs.get(dir)
  if (!check) {
    // sync: once per dir and process, where a thread-pool round trip waited ~0.5 ms behind other work
    check = Promise.resolve().then(() => fs.statSync(dir)).then(st => {
      const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
      const foreign = uid !== undefined && st.uid !== uid
      const open = (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0
      if (foreign || open) {
        throw new PerfError('E_CACHE_DIR_UNSAFE', `refusing the cache dir ${dir}: ${foreign ? `it is owned by uid ${st.uid}, not by this user (uid ${uid})` : `it is writable by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8)})`}; fix it (chown/chmod 700) or set cache.dir`)
      }
      return true
    }, () => false)
    const mine = check
    mine.then(found => { if (!found) safeDirs.delete(dir) }, () => safeDirs.delete(dir))
    safeDirs.set(dir, mine)
  }
  return check
}
