/**
 * The fs tier's reads of entry files: open → one read → close. The read goes straight into a
 * buffer of the file's size when the tier's index knows it, else into a reused 128 KB buffer and
 * the bytes are copied out: no fstat, no second read for entries up to that size (most of them). A
 * larger entry: fstat, then the rest in one read (through the pool). Through the pool, the close is
 * issued without waiting for it (nothing depends on a read-only close). Sync up to SYNC_READ_BYTES
 * while the turn's budget lasts (_fs-sync.ts). And what is not a file where an entry should be.
 *
 * Errors of sync calls are thrown inside async functions: callers always get a rejected promise,
 * never a synchronous throw.
 */
import * as fs from 'node:fs'
import { kMaxLength } from 'node:buffer'
import { now } from '../runtime/clock.js'
import { envelopeSize } from './envelope.js'
import { close, fstat, ignore, open, read } from './_fs-calls.js'
import { withSlot } from './_fs-slots.js'
import { spentSync, syncTurn } from './_fs-sync.js'

const SCRATCH_BYTES = 128 * 1024
/** Entries up to this size (known from the index, or unknown) are read synchronously: the reused buffer's size. */
export const SYNC_READ_BYTES = SCRATCH_BYTES
/**
 * How entry files are opened for reading: never through a symlink (ELOOP: an entry is a file the
 * tier wrote, a link would serve another namespace's or scope's bytes, or any file's, as this
 * key's), and never blocking (a FIFO where an entry should be would hold a sync open, so the whole
 * process, forever; non-blocking it opens at once and its read fails: a corrupt entry). Windows
 * has neither flag (0).
 */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)

/**
 * An open or read error that says the entry's name holds something other than a regular file (a
 * directory, a symlink, a FIFO with a writer, a socket): corrupt, to be removed, not a tier failure.
 */
export function isNotAFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  // ESPIPE: a positioned read of a FIFO (EAGAIN: one with a writer); ENXIO: opening a socket
  return code === 'EISDIR' || code === 'ELOOP' || code === 'ESPIPE' || code === 'EAGAIN' || code === 'ENXIO'
}

/**
 * Something other than a regular file where an entry (or its aside) should be: a directory, a
 * symlink (never followed: the link goes, not what it points to), a FIFO, a socket. Never readable
 * as an entry, so removed (rm never follows a symlink). true: it was one.
 */
export function removeNonFile(path: string): boolean {
  try {
    const st = fs.lstatSync(path)
    if (st.isFile()) return false
    if (st.isDirectory()) fs.rmSync(path, { recursive: true, force: true })
    else fs.unlinkSync(path)
    return true
  } catch {
    return false
  }
}

/** Reused read buffers: a sync read uses one and gives it back at once; reads through the pool may hold several, at most 4 kept. */
const scratch: Buffer[] = []

/**
 * The whole file, in a buffer the caller owns. `sizeHint`: its size if known (the tier's index):
 * then it is read straight into a buffer of that size, with no copy. Up to SYNC_READ_BYTES (or size
 * unknown), while this turn of the event loop has sync time left: open, read, close synchronously,
 * the rest of a larger file through the pool; else all through the pool.
 */
export async function readEntryFile(path: string, sizeHint?: number): Promise<Buffer> {
  if ((sizeHint !== undefined && sizeHint > SYNC_READ_BYTES) || !syncTurn()) return readEntryFileAsync(path, sizeHint)
  const start = now()
  let rest: ReadSoFar | Buffer
  try {
    rest = readStartSync(path, sizeHint)
  } finally {
    spentSync(start)
  }
  // larger than the buffer: the rest through the pool (a large entry's bytes do not hold the loop)
  return Buffer.isBuffer(rest) ? rest : readRest(rest.fd, rest.out, rest.have)
}

/**
 * Whether a file of `size` bytes whose first bytes are `head` is worth reading whole: not when its
 * header says the envelope has another size, or it is no envelope, or it is past what a Buffer can
 * hold (a damaged or foreign file of gigabytes would be allocated whole, only to be found corrupt).
 * Its first bytes alone then decode as the corrupt entry they are.
 */
function wholeFileWanted(head: Buffer, size: number): boolean {
  const expected = envelopeSize(head)
  return size < kMaxLength && (expected === undefined || expected === size)
}

/** A file read so far: its first `have` bytes in `out` (sized to the file), `fd` still open. */
interface ReadSoFar { fd: number; out: Buffer; have: number }

function readStartSync(path: string, sizeHint: number | undefined): Buffer | ReadSoFar {
  const fd = fs.openSync(path, READ_FLAGS)
  let buf: Buffer | undefined
  let pooled = false
  let fdOpen = true
  try {
    // one byte more than expected: a read that fills it means the file is longer (rewritten since)
    if (sizeHint !== undefined) buf = Buffer.allocUnsafe(sizeHint + 1)
    else { buf = scratch.pop() ?? Buffer.allocUnsafeSlow(SCRATCH_BYTES); pooled = true }
    const n = fs.readSync(fd, buf, 0, buf.length, 0)
    if (n < buf.length) return pooled ? Buffer.from(buf.subarray(0, n)) : buf.subarray(0, n)
    const size = fs.fstatSync(fd).size
    if (!wholeFileWanted(buf, size)) return Buffer.from(buf.subarray(0, n))
    const out = Buffer.allocUnsafe(Math.max(size, n) + 1)
    buf.copy(out, 0, 0, n)
    fdOpen = false
    return { fd, out, have: n }
  } finally {
    if (pooled && scratch.length < 4) scratch.push(buf!)
    if (fdOpen) fs.closeSync(fd)
  }
}

/**
 * The first `max` bytes of a file (all of it when shorter), for a header read without the payload
 * (keys()): sync while this turn of the event loop has sync time left, else through the pool.
 */
export async function readFileHead(path: string, max: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(max)
  if (syncTurn()) {
    const start = now()
    try {
      const fd = fs.openSync(path, READ_FLAGS)
      try {
        return buf.subarray(0, fs.readSync(fd, buf, 0, max, 0))
      } finally {
        fs.closeSync(fd)
      }
    } finally {
      spentSync(start)
    }
  }
  return withSlot(async () => {
    const fd = await open(path, READ_FLAGS)
    try {
      return buf.subarray(0, await read(fd, buf, 0, max, 0))
    } finally {
      close(fd).catch(ignore)
    }
  })
}

/** readEntryFile through the thread pool: large entries, and readers that want to give other processes time (readAside's later looks). */
export function readEntryFileAsync(path: string, sizeHint?: number): Promise<Buffer> {
  return withSlot(() => readOpenedAsync(path, sizeHint))
}

async function readOpenedAsync(path: string, sizeHint?: number): Promise<Buffer> {
  const fd = await open(path, READ_FLAGS)
  let buf: Buffer | undefined
  let pooled = false
  let fdOpen = true
  try {
    if (sizeHint !== undefined) buf = Buffer.allocUnsafe(sizeHint + 1)
    else { buf = scratch.pop() ?? Buffer.allocUnsafeSlow(SCRATCH_BYTES); pooled = true }
    const n = await read(fd, buf, 0, buf.length, 0)
    if (n < buf.length) return pooled ? Buffer.from(buf.subarray(0, n)) : buf.subarray(0, n)
    // larger than the buffer: read the rest at its size (+1 byte: a short read is the end)
    const size = (await fstat(fd)).size
    if (!wholeFileWanted(buf, size)) return Buffer.from(buf.subarray(0, n))
    const out = Buffer.allocUnsafe(Math.max(size, n) + 1)
    buf.copy(out, 0, 0, n)
    fdOpen = false
    return await readRest(fd, out, n)
  } finally {
    if (pooled && scratch.length < 4) scratch.push(buf!)
    if (fdOpen) close(fd).catch(ignore)
  }
}

/** The rest of a file from `have` on, into `out` (grown while the file keeps going); closes `fd`. */
async function readRest(fd: number, out: Buffer, have: number): Promise<Buffer> {
  try {
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
    close(fd).catch(ignore)
  }
}
