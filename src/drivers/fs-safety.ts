/**
 * The safety check of unperf's dirs (cache tiers, reports): refuse a dir someone else could write to.
 * The cache tiers' own checks (async, remembered per process) are cache-dir-safety.ts: only the cache code uses them.
 */
import * as fs from 'node:fs'
import { PerfError } from '../errors.js'

/**
 * checkDirSafe (cache-dir-safety.ts) for the sync paths (the report dir, written on exit): why the first of `dirs` that
 * exists and is unsafe (or is a symlink another user owns: foreignLink) is refused, else undefined
 * (a missing dir is made 0700 by its writer). One lstat per dir (statDir; a symlink's target a stat
 * more); not remembered (a process writes its report once). `tightenFirst`: the first dir,
 * when it is this user's and only its mode is open (made by hand under umask 002), is made 0700
 * instead (what is already in it is then written over by rename or never followed, see the writers).
 */
export function dirUnsafeSync(dirs: readonly string[], tightenFirst = false): string | undefined {
  for (const [i, dir] of dirs.entries()) {
    // a path through a file (ENOTDIR) or a dir we may not search (EACCES): nothing there to refuse;
    // its writer fails and says so (this check must never be what throws, on the exit path least)
    let st: fs.Stats | string | undefined
    try { st = statDir(dir) } catch { continue }
    if (!st) continue
    if (typeof st === 'string') return `${dir}: ${st}`
    const why = unsafeReason(st)
    if (!why) continue
    if (i === 0 && tightenFirst && !isForeign(st)) {
      try { fs.chmodSync(dir, 0o700); dropPlanted(dir); continue } catch { /* as refused */ }
    }
    return `${dir}: ${why}`
  }
  return undefined
}

/** The files unperf reads back from a report dir (and their locks). */
const OWN_FILES = ['history.jsonl', 'history-summary.bin', 'report.json', 'trace.json', 'tests.jsonl', 'history-driver-pending.jsonl', 'history.jsonl.lock', 'tests.jsonl.lock']

/**
 * A dir just made private (it was open to others): a file under one of unperf's names that another
 * user made while it was open can only have been planted (a history.jsonl of made-up runs, which
 * the budgets and `unperf report` would trust from then on, and which its owner could still write
 * to and read): removed. The user's own files stay; other names are not unperf's to touch.
 */
function dropPlanted(dir: string): void {
  for (const name of OWN_FILES) {
    try {
      const st = fs.lstatSync(`${dir}/${name}`, { throwIfNoEntry: false })
      if (st && isForeign(st)) fs.unlinkSync(`${dir}/${name}`)
    } catch { /* a dir under that name, gone meanwhile: its reader or writer says so */ }
  }
}

/** A file of this user's that no one else can write to (POSIX; Windows has no uid and reports mode 666: any). */
export function isOwnPrivateFile(st: fs.Stats): boolean {
  return !isForeign(st) && (typeof process.getuid !== 'function' || (st.mode & 0o022) === 0)
}

function isForeign(st: fs.Stats): boolean {
  return typeof process.getuid === 'function' && st.uid !== process.getuid()
}

/**
 * The stats a dir check judges: the dir's own, one lstat where the path is no symlink (the usual
 * case: no second call per dir on the exit path); through a symlink, its target's (a stat more),
 * or why it is refused when another user owns the link (foreignLink). Undefined: nothing there
 * (a missing dir, a dangling link of the user's). Throws as lstatSync/statSync do (ENOTDIR, ELOOP).
 */
export function statDir(path: string): fs.Stats | string | undefined {
  const st = fs.lstatSync(path, { throwIfNoEntry: false })
  if (!st?.isSymbolicLink()) return st
  return foreignLink(st) ?? fs.statSync(path, { throwIfNoEntry: false })
}

/**
 * Why a symlink with these (lstat) stats is unsafe: another user owns it (root's excepted): a cache
 * root planted as a link in a shared XDG_CACHE_HOME (`/tmp/x/acme -> ~/somewhere`) led unperf's
 * writes, and its scope pruning, into any dir of the user's where the kernel follows such links
 * (fs.protected_symlinks=0, as in many containers), and its owner can point it elsewhere at any time.
 */
function foreignLink(link: fs.Stats): string | undefined {
  if (typeof process.getuid !== 'function' || link.uid === process.getuid() || link.uid === 0) return undefined
  return `it is a symlink owned by uid ${link.uid}, not by this user (uid ${process.getuid()}) or root: its owner can point it anywhere`
}

/**
 * Why a dir with these stats is unsafe: owned by another user, or writable by group or others
 * without the sticky bit. POSIX only: Windows has no uid and reports every writable dir as mode
 * 666/777 (its ACLs are not in the mode bits), so there every dir would be refused.
 */
export function unsafeReason(st: fs.Stats): string | undefined {
  if (typeof process.getuid !== 'function') return undefined
  if (isForeign(st)) return `it is owned by uid ${st.uid}, not by this user (uid ${process.getuid!()})`
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `it is writable by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8)})`
  return undefined
}
