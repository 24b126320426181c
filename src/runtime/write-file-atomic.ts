/**
 * Replacing a small file so a reader sees the old content or the new, never a torn mix: write a
 * temp file next to it, then rename it over the target. The sync form, for the exit path and the
 * few small metadata files unperf keeps (config snapshot manifests, reports, cache summaries, the
 * file-hash memo, history compaction, a Prometheus textfile). The cache's own entries have their
 * own writer (drivers/_fs-write-atomic.ts): they are hashed, compressed and written in parts.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { dirUnsafeSync } from '../drivers/fs-safety.js'
import { PerfError } from '../errors.js'
import { processGone } from './lock-file.js'
import { makeDirSync } from './make-dir.js'
import { renameOverSync } from './rename-over.js'

/**
 * open() flags for the small files unperf writes in place (markers, an appended history): a symlink
 * planted under their name fails (ELOOP) instead of being written through, so a file it points at
 * (`history.jsonl -> ~/.bashrc` in a cache dir someone else could write to) is never clobbered;
 * and a FIFO under their name fails (ENXIO) instead of blocking the process until someone reads
 * it (O_NONBLOCK changes nothing for a regular file). No extra syscall. Windows has neither flag
 * (0 there).
 */
const NO_FOLLOW_NO_BLOCK = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
export const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NO_FOLLOW_NO_BLOCK
export const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | NO_FOLLOW_NO_BLOCK
/** open() flags to read one of those small files: never through a symlink, never blocking on a FIFO. */
export const READ_NO_FOLLOW = constants.O_RDONLY | NO_FOLLOW_NO_BLOCK

/**
 * The file ends without a newline: a line a killed process left cut short, which the next line
 * appended must not continue (both would be unreadable). Reads its last byte only; a missing or
 * empty file is not torn; never through a symlink, never blocking.
 */
export function endsTorn(file: string): boolean {
  let fd: number
  try { fd = openSync(file, READ_NO_FOLLOW) } catch { return false }
  try {
    const size = fstatSync(fd).size
    if (size === 0) return false
    const last = Buffer.alloc(1)
    return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10
  } catch {
    return false
  } finally {
    closeSync(fd)
  }
}

/** writeFileSync (open, write, close) that never writes through a symlink: WRITE_NO_FOLLOW or APPEND_NO_FOLLOW; a new file is 0600. */
export function writeFileNoFollowSync(file: string, data: string, flags = WRITE_NO_FOLLOW): void {
  const fd = openSync(file, flags, 0o600)
  try {
    const bytes = Buffer.from(data)
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
  } finally {
    closeSync(fd)
  }
}

export interface WriteFileAtomicOptions {
  /** File mode of the new file (default 0o600: unperf's files are the user's alone). */
  mode?: number
  /** Create the parent dir (mode 0o700) first. */
  mkdir?: boolean
  /** Write nothing (throw) when the parent dir is owned by another user or writable by group or others: one stat. */
  private?: boolean
  /**
   * Remove the target before the rename. On ext4 (`auto_da_alloc`), a rename over an existing file
   * flushes the new file's data first: ~250 µs per file on the exit path. A reader between the two
   * steps sees no file (which every reader of these files treats as "none yet"), never a torn one.
   */
  unlinkFirst?: boolean
}

// pid, a random tag of this process and a counter: unique among the processes (containers sharing
// a cache dir can have the same pid) and the calls that may race on one file
const TAG = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`
let seq = 0

/** Writes `data` to `file` atomically; the temp file is removed if a step fails, and the error thrown. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): void {
  const tmp = `${file}.${TAG}.${(++seq).toString(36)}.tmp`
  try {
    if (options.mkdir) makeDirSync(dirname(file), 0o700)
    if (options.private) {
      const unsafe = dirUnsafeSync([dirname(file)])
      if (unsafe) throw new PerfError('E_DIR_UNSAFE', `refusing to write in ${unsafe}`)
    }
    // wx: a new file of ours, never one already there under the temp name (nor through a symlink)
    writeFileSync(tmp, data, { mode: options.mode ?? 0o600, flag: 'wx' })
    if (options.unlinkFirst) {
      try { unlinkSync(file) } catch { /* first write */ }
    }
    renameOverSync(tmp, file)
  } catch (error) {
    try { unlinkSync(tmp) } catch { /* never written */ }
    throw error
  }
}

/** A temp file of writeFileAtomicSync: `<target>.<pid>.<tag>.<n>.tmp` (target name, writer's pid). */
const TEMP_NAME = /^(.+)\.(\d+)\.[a-z0-9]+\.[a-z0-9]+\.tmp$/
/** A temp file whose writer (the pid in its name) is gone and is older than this is a leftover. */
const DEAD_TEMP_MS = 2_000
/** Any temp file older than this is a leftover: its writer renames it within milliseconds. */
const TEMP_MAX_AGE_MS = 60_000

/**
 * Removes the temp files writeFileAtomicSync left in `dir` (a process killed between its write and
 * its rename: SIGKILL, an OOM kill, a CI timeout), for the targets `isTarget` accepts; nothing else
 * ever removed them, so each such kill left one for good. A temp file is a leftover once older than
 * a minute, or older than 2 s with its writer's pid gone (a pid of another pid namespace looks gone:
 * its writer renamed its file long before 2 s). Never follows a symlink; returns how many it removed.
 * Callers run it on a path already slow (a history rewrite, a cold config build), not on every exit.
 */
export function removeLeftoverTempFiles(dir: string, isTarget: (target: string) => boolean = () => true, wall = Date.now()): number {
  let removed = 0
  let names: string[]
  try { names = readdirSync(dir) } catch { return 0 }
  for (const name of names) {
    const m = TEMP_NAME.exec(name)
    if (!m || !isTarget(m[1]!)) continue
    const path = join(dir, name)
    try {
      const st = lstatSync(path)
      if (!st.isFile()) continue
      const age = wall - st.mtimeMs
      if (age > TEMP_MAX_AGE_MS || (age > DEAD_TEMP_MS && Number(m[2]) !== process.pid && processGone(Number(m[2])))) {
        unlinkSync(path)
        removed++
      }
    } catch { /* removed by another process meanwhile */ }
  }
  return removed
}
