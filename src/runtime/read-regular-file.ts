/**
 * readFileSync for the files unperf reads back from a report dir (history.jsonl, report.json,
 * tests.jsonl) that never blocks: a FIFO under the name hung the process for good (a sync open of
 * a FIFO waits for a writer, and the exit path's read ignored SIGTERM meanwhile; `unperf report`
 * never returned). Opened O_NONBLOCK (nothing changes for a regular file) and fstat'ed: a directory
 * throws EISDIR as readFileSync did, anything else not a regular file throws E_NOT_A_FILE
 * (errors.ts whyUnreadable() says both in words; made in not-a-file.ts, a deferred module). Symlinks
 * are followed, as readFileSync does.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs'
import { notAFile } from './not-a-file.js'

/** open() flags: read, never blocking on a FIFO (0 on Windows, which has no such flag). */
export const READ_NO_BLOCK = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

export function readRegularFileSync(file: string): Buffer
export function readRegularFileSync(file: string, encoding: BufferEncoding): string
export function readRegularFileSync(file: string, encoding?: BufferEncoding): string | Buffer {
  const fd = openRegularFileSync(file)
  try {
    return encoding ? readFileSync(fd, encoding) : readFileSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** A descriptor open for reading on `file`, a regular file (what readRegularFileSync throws otherwise); the caller closes it. */
export function openRegularFileSync(file: string): number {
  const fd = openSync(file, READ_NO_BLOCK)
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw notAFile(file, st.isDirectory())
  } catch (error) {
    closeSync(fd)
    throw error
  }
  return fd
}
