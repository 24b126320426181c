/** Reading one of unperf's small files safely (write-file-atomic.ts writes them): only lazy parts read them, so not on the start path. */
import { closeSync, openSync, readSync } from 'node:fs'
import { READ_NO_FOLLOW } from './write-file-atomic.js'

/**
 * readFileSync of one of unperf's small files (markers, summaries), as text, never through a
 * symlink (ELOOP) and never blocking: a directory throws (EISDIR), a FIFO reads as empty (a sync
 * read of one would block the process forever). No fstat: open, reads, close (as fast as
 * readFileSync, which makes an fstat of its own).
 */
export function readFileNoFollowSync(file: string): string {
  const fd = openSync(file, READ_NO_FOLLOW)
  try {
    let buf = Buffer.allocUnsafe(4096)
    let n = 0
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null)
      if (r === 0) break
      n += r
      if (n === buf.length) { const grown = Buffer.allocUnsafe(buf.length * 2); buf.copy(grown); buf = grown }
    }
    return buf.toString('utf8', 0, n)
  } finally {
    closeSync(fd)
  }
}
