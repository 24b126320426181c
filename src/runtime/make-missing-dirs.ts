/**
 * makeDirSync()'s work when the dir is missing (make-dir.ts says why unperf makes its dirs itself):
 * each missing component made once, top down. A deferred module (scripts/build.mjs): the start path
 * holds only the check that the dir is there.
 */
import * as fs from 'node:fs'
import { dirname, resolve } from 'node:path'

/** makeDirSync() (make-dir.ts) past its check that `dir` is there. */
export function makeMissingDirs(dir: string, mode = 0o777): string | undefined {
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
