/**
 * The fs tier's file I/O, with as few thread-pool round trips as the guarantees allow (on a busy
 * machine each costs 30–50 µs, more than the bytes):
 *
 * - write: open a temp file (O_EXCL, mode 0600) → writev the envelope parts (a large Buffer value
 *   is not copied into one buffer first) → close → rename the entry aside → rename the temp file to
 *   the entry's name, now free → unlink the aside (why, and what readers do: _fs-aside.ts). No
 *   fsync (a cache may lose an entry on power loss; the envelope checksum turns a torn file into a
 *   miss).
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

export function unlink(path: string): Promise<void> {
  return new Promise((resolve, reject) => fs.unlink(path, error => (error ? reject(error) : resolve())))
}

/** A second name for `from`; never replaces `to` (EEXIST), unlike rename. */
export function link(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => fs.link(from, to, error => (error ? reject(error) : resolve())))
}

function writev(fd: number, parts: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, parts, position, (error, n) => (error ? reject(error) : resolve(n))))
}

const ignore = () => {}

/**
 * Writes `parts` to `tmp` (created, 0600) and moves it to `file`. The caller removes `tmp` on failure.
 * `aside`: where the current entry is moved first (see above); undefined renames over it (a new key,
 * or another write of this process already has the aside).
 */
export async function writeAtomic(tmp: string, file: string, parts: Buffer[], size: number, aside?: string): Promise<void> {
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
  if (aside === undefined) return rename(tmp, file)
  // ENOENT: no entry (a new key, or another process has it aside); any other error: rename over it
  const moved = await rename(file, aside).then(() => true, () => false)
  try {
    await rename(tmp, file)
  } catch (error) {
    // the previous value back under its name, unless a newer one landed there (link never
    // replaces); no hard links here (EPERM): the aside stays, readers find it
    if (moved) await link(aside, file).catch(e => (e as NodeJS.ErrnoException).code === 'EEXIST' ? undefined : Promise.reject(e)).then(() => unlink(aside)).catch(ignore)
    throw error
  }
  // the aside is the previous value (its name can meet only another process's write of this key)
  if (moved) await unlink(aside).catch(ignore)
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
