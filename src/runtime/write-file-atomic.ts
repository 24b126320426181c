/**
 * Replacing a small file so a reader sees the old content or the new, never a torn mix: write a
 * temp file next to it, then rename it over the target. The sync form, for the exit path and the
 * few small metadata files unperf keeps (config snapshot manifests, reports, cache summaries, the
 * file-hash memo, history compaction, a Prometheus textfile). The cache's own entries have their
 * own writer (drivers/_fs-io.ts): they are hashed, compressed and written in parts.
 */
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface WriteFileAtomicOptions {
  /** File mode of the new file (default 0o600: unperf's files are the user's alone). */
  mode?: number
  /** Create the parent dir (mode 0o700) first. */
  mkdir?: boolean
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
    if (options.mkdir) mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    writeFileSync(tmp, data, { mode: options.mode ?? 0o600 })
    if (options.unlinkFirst) {
      try { unlinkSync(file) } catch { /* first write */ }
    }
    renameSync(tmp, file)
  } catch (error) {
    try { unlinkSync(tmp) } catch { /* never written */ }
    throw error
  }
}
