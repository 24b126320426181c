import { readSync } from 'node:fs'

/**
 * Reads `fd` from `position` into `buf` until it is full or the file ends (a file cut short
 * meanwhile): the bytes read, `buf.length` when all of them were.
 */
export function readAt(fd: number, buf: Buffer, position: number): number {
  let got = 0
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got)
    if (n === 0) break
    got += n
  }
  return got
}
