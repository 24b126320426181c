/**
 * The fs tier's file I/O, with as few thread-pool round trips as the guarantees allow (on a busy
 * machine each costs 30–50 µs, more than the bytes):
 *
 * - write: open a temp file (O_EXCL, mode 0600) → writev the envelope parts (a large Buffer value
 *   is not copied into one buffer first) → close → rename over the entry. Atomic: a reader sees the
 *   old entry or the new one, never a torn one. No fsync (a cache may lose an entry on power loss;
 *   the envelope checksum turns a torn file into a miss).
 * - read: open → one read → close, issued without waiting for it (nothing depends on a read-only
 *   close). The read goes straight into a buffer of the file's size when the tier's index knows it,
 *   else into a reused 128 KB buffer and the bytes are copied out: no fstat, no second read for
 *   entries up to that size (most of them). A larger entry: fstat, then the rest in one read.
 *
 * Callback APIs: fs/promises adds a FileHandle object and more promises per call.
 */
import * as fs from 'node:fs'

const SCRATCH_BYTES = 128 * 1024
/** Reused read buffers: as many as reads in flight, at most 4 kept. */
const scratch: Buffer[] = []

function open(path: string, flags: string, mode?: number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, flags, mode, (error, fd) => (error ? reject(error) : resolve(fd))))
}

function read(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (error, n) => (error ? reject(error) : resolve(n))))
}

function fstat(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (error, st) => (error ? reject(error) : resolve(st))))
}

function close(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, error => (error ? reject(error) : resolve())))
}

function rename(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => fs.rename(from, to, error => (error ? reject(error) : resolve())))
}

function writev(fd: number, parts: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, parts, position, (error, n) => (error ? reject(error) : resolve(n))))
}

const ignore = () => {}

/** Writes `parts` to `tmp` (created, 0600) and renames it to `file`. The caller removes `tmp` on failure. */
export async function writeAtomic(tmp: string, file: string, parts: Buffer[], size: number): Promise<void> {
  const fd = await open(tmp, 'wx', 0o600)
  try {
    let written = await writev(fd, parts, 0)
    // a short write (rare: signals, quotas) goes on from where it stopped
    while (written < size) {
      const rest = Buffer.concat(parts, size).subarray(written)
      written += await writev(fd, [rest], written)
    }
  } finally {
    await close(fd)
  }
  await rename(tmp, file)
}

/**
 * The whole file, in a buffer the caller owns. `sizeHint`: its size if known (the tier's index):
 * then it is read straight into a buffer of that size, with no copy.
 */
export async function readEntryFile(path: string, sizeHint?: number): Promise<Buffer> {
  const fd = await open(path, 'r')
  let buf: Buffer | undefined
  let pooled = false
  try {
    // one byte more than expected: a read that fills it means the file is longer (rewritten since)
    if (sizeHint !== undefined) buf = Buffer.allocUnsafe(sizeHint + 1)
    else { buf = scratch.pop() ?? Buffer.allocUnsafeSlow(SCRATCH_BYTES); pooled = true }
    const n = await read(fd, buf, 0, buf.length, 0)
    if (n < buf.length) return pooled ? Buffer.from(buf.subarray(0, n)) : buf.subarray(0, n)
    // larger than the buffer: read the rest at its size (+1 byte: a short read is the end)
    let out = Buffer.allocUnsafe(Math.max((await fstat(fd)).size, n) + 1)
    buf.copy(out, 0, 0, n)
    let have = n
    for (;;) {
      if (have === out.length) {
        const grown = Buffer.allocUnsafe(out.length * 2)
        out.copy(grown)
        out = grown
      }
      const want = out.length - have
      const r = await read(fd, out, have, want, have)
      have += r
      if (r < want) break
    }
    return out.subarray(0, have)
  } finally {
    if (pooled && scratch.length < 4) scratch.push(buf!)
    close(fd).catch(ignore)
  }
}
