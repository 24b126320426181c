/**
 * Every dir unperf makes (cache tiers, scopes, reports, run and test history, config snapshots,
 * jiti's cache, files named by an option) is made here, not by Node's recursive mkdir: on a file
 * system that answers a mkdir of a new dir with ENOENT although its parent exists (procfs:
 * `XDG_CACHE_HOME=/proc/foo`), Node 20's `mkdirSync(dir, { recursive: true })` and its async form
 * loop for ever at 100 % CPU (ENOENT → make the parent → EEXIST → the dir again → ENOENT ...), so
 * every run of a host CLI hung. Here each missing component is made once, top down: such a file
 * system fails at once, with the ENOENT of the first dir it refused (whyUnwritable in
 * drivers/fs-unwritable.ts says what it is).
 *
 * The common case (the dir is there) costs one stat, where Node's recursive mkdir made two calls
 * (mkdir, EEXIST, stat).
 */
import * as fs from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * Makes `dir` and its missing parents (`mode`, filtered by the umask as mkdir's is). Returns the
 * first dir it made, undefined when `dir` was there (as Node's recursive mkdir does). Throws the
 * system's error of the first component that could not be made: EEXIST when `dir` (or a parent:
 * ENOTDIR) is a file, ENOENT when a file system refused a new dir under an existing one.
 */
export function makeDirSync(dir: string, mode = 0o777): string | undefined {
  const there = kind(dir)
  if (there === 'dir') return undefined
  if (there === 'other') throw fsError('EEXIST', -17, 'file already exists', dir)
  // the missing components, deepest first: going up until one exists (bounded by the path's depth)
  const missing: string[] = []
  let at = resolve(dir)
  for (;;) {
    missing.push(at)
    const up = dirname(at)
    if (up === at) break
    const above = kind(up)
    if (above === 'dir') break
    if (above === 'other') throw fsError('ENOTDIR', -20, 'not a directory', at)
    at = up
  }
  let first: string | undefined
  for (let i = missing.length - 1; i >= 0; i--) {
    const d = missing[i]!
    try {
      fs.mkdirSync(d, { mode })
      first ??= d
    } catch (error) {
      // made meanwhile by another process; a file there: its child's mkdir says ENOTDIR, the last one is checked
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || (i === 0 && kind(d) !== 'dir')) throw error
    }
  }
  return first
}

/** What is at `path` (following symlinks). A path through a file (ENOTDIR) or a dir this user may not search (EACCES): that error. */
function kind(path: string): 'dir' | 'none' | 'other' {
  const st = fs.statSync(path, { throwIfNoEntry: false })
  return !st ? 'none' : st.isDirectory() ? 'dir' : 'other'
}

/** An error as mkdir's own (code, errno, syscall, path). */
function fsError(code: string, errno: number, text: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, mkdir '${path}'`), { code, errno, syscall: 'mkdir', path })
}
