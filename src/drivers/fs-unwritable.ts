/**
 * Why a dir of unperf's (cache tier, report dir, test history, ...) cannot be made or written to,
 * in words. Node's recursive mkdir reports a read-only file system as `ENOENT: no such file or
 * directory, mkdir '<dir>'` (it gives the error of the missing dir, not the parent's EROFS), which
 * sent people looking for a missing dir; a dir of another user's says `EACCES` naming the dir it
 * tried, not the one that refused. Only called once a write failed: nothing on the start path.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export interface Unwritable {
  /** `EROFS` (a read-only file system), `EACCES` (no write permission), `EPERM` (the file system refused it), `ENOTDIR`. */
  code: 'EROFS' | 'EACCES' | 'EPERM' | 'ENOTDIR'
  /** The dir that refused: `dir` itself or its nearest existing parent. */
  at: string
  /** Why, in words, naming `at`. */
  reason: string
}

/** The errors a write into a dir that cannot be made or written to fails with (ENOENT: a mkdir on a read-only fs, or procfs). */
const WRITE_REFUSED = new Set(['ENOENT', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR'])

/**
 * Why writing into `dir` fails, from its nearest existing dir (itself when it exists), or
 * undefined when nothing there refuses writes (the failure was something else, e.g. a dir removed
 * meanwhile). `error`: the failure seen; only its code is looked at (a file system that refuses
 * without saying so in access(2), as /sys does, is told by its `EPERM`).
 */
export function whyUnwritable(dir: string, error?: unknown): Unwritable | undefined {
  const failed = (error as NodeJS.ErrnoException | undefined)?.code
  if (failed !== undefined && !WRITE_REFUSED.has(failed)) return undefined
  let at = dir
  for (;;) {
    let exists: boolean
    try {
      const st = statSync(at, { throwIfNoEntry: false })
      if (st && !st.isDirectory()) return { code: 'ENOTDIR', at, reason: `${at} is a file, not a directory` }
      exists = st !== undefined
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // a path through a file: that file is found going up
      if (code === 'ENOTDIR') exists = false
      else if (code === 'EACCES') {
        // a parent we may not search: that parent refuses
        const up = dirname(at)
        return { code: 'EACCES', at: up, reason: `permission denied: ${up} is not accessible to this user${uid()}` }
      } else return undefined
    }
    if (exists) break
    const up = dirname(at)
    if (up === at) return undefined
    at = up
  }
  try {
    accessSync(at, constants.W_OK)
  } catch (refused) {
    const code = (refused as NodeJS.ErrnoException).code
    if (code === 'EROFS') return { code, at, reason: `${at} is on a read-only file system` }
    if (code === 'EACCES' || code === 'EPERM') return { code: 'EACCES', at, reason: `permission denied: ${at} is not writable by this user${uid()}` }
    return undefined
  }
  // writable, yet a read or a listing of it refused: a dir without its read bit (mode 300, -wx), where
  // entries can be written and read by name but not listed (keys, prune, eviction); said as such
  if (at === dir && failed === 'EACCES') {
    const unreadable = notReadable(at)
    if (unreadable) return unreadable
  }
  // writable by access(2) yet making the dir was refused: a file system that takes no new dirs
  // (/sys) or a security module; said as the system said it (an existing dir: something else failed)
  if (at !== dir && (failed === 'EPERM' || failed === 'EACCES')) return { code: failed, at, reason: `${at} refused it (${failed === 'EPERM' ? 'operation not permitted' : 'permission denied'})` }
  // procfs answers a new dir with ENOENT although its parent is there (makeDirSync, make-dir.ts,
  // stops at it): refused as /sys refuses with EPERM, and said as such
  if (at !== dir && failed === 'ENOENT' && mkdirRefusedIn(at, error)) return { code: 'EPERM', at, reason: `${at} refused it (no new directories can be made there)` }
  return undefined
}

/** `dir` (which exists and is writable) when this user may not list it: why, and the chmod that fixes it. */
function notReadable(dir: string): Unwritable | undefined {
  try {
    accessSync(dir, constants.R_OK)
    return undefined
  } catch {
    let mode = ''
    try { mode = `, its mode ${(statSync(dir).mode & 0o777).toString(8)}` } catch { /* said without it */ }
    return { code: 'EACCES', at: dir, reason: `permission denied: ${dir} is not readable by this user${uid()}${mode}: entries can be written there but not listed, so keys, prune and eviction fail; chmod 700 ${dir}` }
  }
}

/** `error` is a mkdir's ENOENT for a dir right under `at`, an existing dir: not a missing parent, a refusal. */
function mkdirRefusedIn(at: string, error: unknown): boolean {
  const { syscall, path } = error as NodeJS.ErrnoException
  return syscall === 'mkdir' && typeof path === 'string' && dirname(resolve(path)) === resolve(at)
}

/**
 * `error` (a failed write into `dir`) as an error that says why (see whyUnwritable): message
 * `cannot write to <dir>: <reason>`, `code` the cause's (EROFS, EACCES, ...), `unwritable` the
 * details, the original as `cause`; `error` itself when there is nothing more to say.
 */
export function explainUnwritable(error: unknown, dir: string): unknown {
  if ((error as { unwritable?: unknown } | null)?.unwritable) return error
  // a listing of another dir than `dir` (the eviction's scan of every namespace): that dir's reason
  const { syscall, path } = (error ?? {}) as NodeJS.ErrnoException
  const why = whyUnwritable((syscall === 'scandir' || syscall === 'opendir' || syscall === 'access') && typeof path === 'string' ? path : dir, error)
  if (!why) return error
  return Object.assign(new Error(`cannot write to ${dir}: ${why.reason}`, { cause: error }), { code: why.code, unwritable: why })
}

function uid(): string {
  return typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : ''
}
