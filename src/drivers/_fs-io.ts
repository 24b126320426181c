/**
 * The fs tier's file I/O. Small entries are read and written with synchronous calls, large ones
 * and bursts through the libuv thread pool.
 *
 * - Why sync: each callback call is a thread-pool round trip, 0.3–0.4 ms in a fresh process on a
 *   2-core machine (the loop must turn and a pool thread wake), 30–50 µs in a warm one, where the
 *   same call made synchronously on a small file in the page cache costs 10–50 µs. A CLI's warm run
 *   makes a handful of lone cache operations, each 3–6 round trips before: most of its cache time.
 *   Measured on this machine's ext4, one process, one operation after another: an aside write of
 *   1–128 KB 60–115 µs sync vs 250–320 µs through the pool (140–150 µs each with 100 in flight); a
 *   read of 1–32 KB 15–45 µs sync vs 100–125 µs.
 * - Which: reads of entries up to SYNC_READ_BYTES (the reused 128 KB buffer), known from the index
 *   or of unknown size (a larger file's first 128 KB are read sync, the rest through the pool);
 *   writes of encoded entries up to SYNC_WRITE_BYTES (64 KB: the copy is ~15 µs of a 128 KB sync
 *   write, but its tail grows — p99 165 µs at 64 KB, 312 µs at 128 KB — and large values are rare
 *   on a CLI's start path). Larger entries keep the pool: their bytes do not hold the loop.
 * - What it costs: a sync call holds the event loop for its duration (a write ~0.1 ms, a small read
 *   ~20 µs), and awaiting an operation that completed synchronously does not let the loop turn.
 *   So each turn of the loop gets SYNC_MS_PER_TURN of sync calls; past it, small operations go
 *   through the pool too until the loop turns. A CLI's few lone operations stay sync; a loop of
 *   10 000 awaited sets or gets lets timers run every few ms; a burst of thousands of concurrent
 *   operations runs its first ~2 ms sync and the rest as before, through the pool, where the
 *   kernel's work overlaps the JS (creating thousands of files in a burst makes ext4's inode
 *   allocation slow, ~250 µs a create, which sync calls could not overlap: 10 000 concurrent sets
 *   on 100 keys took 3.2 s all sync vs 2.4 s with the budget and 3.0 s before).
 *
 * - write: open a temp file (O_EXCL, mode 0600) → writev the envelope parts (a large Buffer value
 *   is not copied into one buffer first) → close → rename the entry aside → rename the temp file to
 *   the entry's name, now free → unlink the aside (why, and what readers do: _fs-aside.ts). No
 *   fsync (a cache may lose an entry on power loss; the envelope checksum turns a torn file into a
 *   miss). writeAtomicSync and writeAtomic make the same calls in the same order, with the same
 *   error handling.
 * - read: open → one read → close. The read goes straight into a buffer of the file's size when
 *   the tier's index knows it, else into a reused 128 KB buffer and the bytes are copied out: no
 *   fstat, no second read for entries up to that size (most of them). A larger entry: fstat, then
 *   the rest in one read (through the pool). Through the pool, the close is issued without waiting
 *   for it (nothing depends on a read-only close).
 *
 * Errors of sync calls are thrown inside async functions: callers always get a rejected promise,
 * never a synchronous throw. Callback APIs on the pool path: fs/promises adds a FileHandle object
 * and more promises per call.
 */
import * as fs from 'node:fs'
import { kMaxLength } from 'node:buffer'
import { now } from '../runtime/clock.js'
import { envelopeSize } from './envelope.js'
import { withSlot } from './_fs-slots.js'

const SCRATCH_BYTES = 128 * 1024
/** Entries up to this size (known from the index, or unknown) are read synchronously: the reused buffer's size. */
export const SYNC_READ_BYTES = SCRATCH_BYTES
/** Encoded entries up to this size are written synchronously. */
export const SYNC_WRITE_BYTES = 64 * 1024
/** Sync time (ms) each turn of the event loop may spend in the tier's calls; past it, the thread pool (see above). */
export const SYNC_MS_PER_TURN = 2
let turnSpent = 0
let turnArmed = false
function endTurn(): void {
  turnSpent = 0
  turnArmed = false
}

/** Whether this turn of the event loop may still make a small operation with sync calls. */
export function syncTurn(): boolean {
  return turnSpent < SYNC_MS_PER_TURN
}

/** Counts the sync time since `start` (runtime clock ms, `now()`) against this turn's budget. */
export function spentSync(start: number): void {
  turnSpent += now() - start
  if (!turnArmed) {
    turnArmed = true
    setImmediate(endTurn)
  }
}

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

function open(path: string, flags: string | number, mode?: number): Promise<number> {
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

/** unlink that ignores every error (a temp file or an aside that may be gone). */
export function unlinkQuiet(path: string): void {
  try { fs.unlinkSync(path) } catch { /* gone, or not ours to remove */ }
}

/**
 * Writes `parts` to `tmp` (created, 0600) and moves it to `file`, through the thread pool (large
 * entries; small ones: writeAtomicSync). The caller removes `tmp` on failure.
 * `aside`: where the current entry is moved first (see above); undefined renames over it (a new key,
 * or another write of this process already has the aside). `beforeRename`: awaited once the temp
 * file is written (room made for it, fs-prune.ts).
 */
export async function writeAtomic(tmp: string, file: string, parts: Buffer[], size: number, aside?: string, beforeRename?: () => Promise<void> | undefined): Promise<void> {
  await withSlot(async () => {
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
  })
  // the temp file counts for other processes' size checks from here (fs-prune.ts makeRoom)
  await beforeRename?.()
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
 * writeAtomic with synchronous calls, for entries up to SYNC_WRITE_BYTES: the same calls in the
 * same order, the same errors (thrown). Nothing else of this process runs in between, so no other
 * write of this process can meet its aside.
 */
export function writeAtomicSync(tmp: string, file: string, parts: Buffer[], size: number, aside?: string): void {
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    let written = fs.writevSync(fd, parts, 0)
    while (written < size) {
      const rest = Buffer.concat(parts, size).subarray(written)
      written += fs.writevSync(fd, [rest], written)
    }
  } finally {
    fs.closeSync(fd)
  }
  if (aside === undefined) return fs.renameSync(tmp, file)
  let moved = true
  try { fs.renameSync(file, aside) } catch { moved = false }
  try {
    fs.renameSync(tmp, file)
  } catch (error) {
    if (moved) {
      try {
        fs.linkSync(aside, file)
        unlinkQuiet(aside)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') unlinkQuiet(aside)
      }
    }
    throw error
  }
  if (moved) unlinkQuiet(aside)
}

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
