/**
 * The fs tier's rewrite through an aside. A rewrite renames the entry to `.<name>.aside`, renames
 * its new temp file to the entry's name, then unlinks the aside (writeAtomic in _fs-write-atomic.ts):
 *
 * - Why: renaming over an existing file makes ext4 (auto_da_alloc) start writing the new file's
 *   data out first, and on a busy disk that waits behind the disk: a rename over an entry took
 *   p50 0.1 ms, p99 9 ms, max 26 ms while another process wrote to the disk, where the aside's two
 *   renames and unlink took p99 0.13 ms (sync calls, this machine's ext4; the flush depends on the
 *   target name existing, so a name freed by the aside rename is as cheap as a new one). Through
 *   the thread pool: as fast as a rename over the entry on a quiet disk (its two more round trips
 *   cost about what the flush does), 4–5× faster on a busy one (bench/results/cache.md).
 * - Readers: between the two renames the entry's name is free and the aside holds the previous
 *   value. A reader that finds no entry reads the aside (readAside), so it gets the old value or
 *   the new one, and a writer killed at any step loses neither (an unlink before the rename, tried
 *   before, lost the old value to a kill between the two).
 * - Leftovers (a writer killed between the renames, or before the unlink): the reader that finds
 *   one links it back under the entry's name if free (a link never replaces a newer entry); a
 *   later write of the key, prune() and verify() remove it; delete() and clear() remove it first,
 *   so an old value never comes back. Asides are dot files: never entries, keys or index sizes.
 * - What is left: the aside name is per key, not per writer. Two processes rewriting one key in
 *   the same microseconds can meet on it, one unlinking the aside the other just made; a reader
 *   then misses until the other's rename lands (readers look again, see readAside: 0–7 misses in
 *   2 300–4 400 reads measured while 2–4 processes rewrote the same 3 keys in tight loops, before
 *   the quick looks of readAside). With one writer a reader never misses, also while it rewrites
 *   one key ~15 000 times a second (test/cache/fs-aside.test.ts runs 2 s of it).
 *   The key is lost only if that other writer is killed in those microseconds.
 *   Writes of one process never meet: while one holds the aside, another renames over the entry.
 */
import * as fs from 'node:fs'
import { link, unlink } from './_fs-calls.js'
import { isNotAFile, readEntryFile, readEntryFileAsync, removeNonFile } from './_fs-read.js'

const ASIDE = '.aside'

/** Where a rewrite moves the entry `name` while its new version takes the name: a dot file, never an entry. */
export function asideName(name: string): string {
  return '.' + name + ASIDE
}

/** The entry name of an aside's file name, or undefined when it is not an aside. */
export function asideOf(file: string): string | undefined {
  return file.startsWith('.') && file.endsWith(ASIDE) ? file.slice(1, -ASIDE.length) : undefined
}

const isMissing = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

function orMissing(error: unknown): undefined {
  if (isMissing(error)) return undefined
  throw error
}

/** For an aside: missing, or not a regular file (a directory, a symlink, a FIFO: removed, never followed) = no aside. */
function asideMissing(aside: string) {
  return (error: unknown): undefined => {
    if (isNotAFile(error)) { removeNonFile(aside); return undefined }
    return orMissing(error)
  }
}

/**
 * For a reader that found no entry at `file`: the value in its aside, put back under the entry's
 * name (`restored`: a link, which never replaces a newer entry) so keys(), the index and the LRU see
 * it again. No aside either: the write may have finished in between, so the entry once more.
 *
 * The first looks are sync and quick (an existence check of each name, a few µs, then a sync read
 * of the one found: _fs-read.ts). One writer always leaves one of the two names, but a writer making
 * sync calls rewrites a small key in ~65 µs with its aside there for ~20 µs of them, and a reader
 * slowed by a busy machine can find the aside already gone, then the entry there, then (30 µs
 * later) fail to open it because the next rewrite moved it aside; or, preempted between its two
 * checks, see neither. So a reader looks QUICK_LOOKS times while it sees neither name (a true
 * miss: 2 × QUICK_LOOKS existence checks, ~10 µs), and up to SEEN_LOOKS times once it has seen
 * one (the key exists: a writer is at work). Measured with one process rewriting one key in a
 * tight loop and another reading it for 20 s (test/cache/fs-aside.test.ts runs 2 s of it): one
 * look missed 0.05–2 % of the reads, three 3 in 16 000 with other tests running; with SEEN_LOOKS,
 * one quick look 26 in 1.5 million, two none in 1.3 million (quiet, and with a CPU hog running).
 * `rounds` > 1: later looks read both names through the thread pool (a round trip each: time for
 * another process's rename to land), for keys that other processes may be rewriting one after
 * another.
 * undefined: a miss.
 */
export async function readAside(file: string, aside: string, sizeHint?: number, rounds = 1): Promise<{ data: Buffer; restored: boolean } | undefined> {
  let looks = QUICK_LOOKS
  for (let look = 0; look < looks; look++) {
    if (fs.existsSync(aside)) {
      looks = SEEN_LOOKS
      const data = await readEntryFile(aside).catch(asideMissing(aside))
      if (data) return { data, restored: linkSync(aside, file) }
    }
    if (fs.existsSync(file)) {
      looks = SEEN_LOOKS
      const data = await readEntryFile(file, sizeHint).catch(orMissing)
      if (data) return { data, restored: false }
    }
  }
  for (let round = 1; round < rounds; round++) {
    const data = await readEntryFileAsync(aside).catch(asideMissing(aside))
    if (data) return { data, restored: await link(aside, file).then(() => true, () => false) }
    const again = await readEntryFileAsync(file, sizeHint).catch(orMissing)
    if (again) return { data: again, restored: false }
  }
  return undefined
}

/** Sync looks at the aside and the entry before a reader that saw neither calls it a miss (see readAside). */
const QUICK_LOOKS = 2
/** ... and before one that saw one of them but could not read it (a writer at work) does. */
const SEEN_LOOKS = 32

function linkSync(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to)
    return true
  } catch {
    return false
  }
}

/**
 * A leftover aside: back under the entry's name if that is free, then removed. true: restored. On
 * a file system without hard links it stays (readers still find it; delete and clear remove it).
 */
export async function settleAside(aside: string, file: string): Promise<boolean> {
  // a directory, symlink or FIFO under an aside's name was never a value: removed, not linked back
  if (removeNonFile(aside)) return false
  let restored = false
  try {
    await link(aside, file)
    restored = true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false
  }
  await unlink(aside).catch(() => {})
  return restored
}
