/**
 * The fs tier's rewrite through an aside. A rewrite renames the entry to `.<name>.aside`, renames
 * its new temp file to the entry's name, then unlinks the aside (writeAtomic in _fs-io.ts):
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
 *   2 300–4 400 reads measured while 2–4 processes rewrote the same 3 keys in tight loops, 0 with
 *   one writer). The key is lost only if that other writer is killed in those microseconds.
 *   Writes of one process never meet: while one holds the aside, another renames over the entry.
 */
import * as fs from 'node:fs'
import { link, readEntryFile, unlink } from './_fs-io.js'

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

/**
 * For a reader that found no entry at `file`: the value in its aside, put back under the entry's
 * name (`restored`: a link, which never replaces a newer entry) so keys(), the index and the LRU see
 * it again. No aside either: the write may have finished in between, so the entry once more. The
 * first look asks synchronously whether each exists (a lookup in a directory just read: a few µs,
 * where a thread-pool round trip costs ~30 µs), so a true miss costs about what it did with one
 * name (38 → 40 µs). `rounds` > 1: later looks read both names (a round trip each, time for another
 * process's rename to land), for keys that other processes may be rewriting one after another.
 * undefined: a miss.
 */
export async function readAside(file: string, aside: string, sizeHint?: number, rounds = 1): Promise<{ data: Buffer; restored: boolean } | undefined> {
  for (let round = 0; round < rounds; round++) {
    if (round > 0 || fs.existsSync(aside)) {
      const data = await readEntryFile(aside).catch(orMissing)
      if (data) return { data, restored: await link(aside, file).then(() => true, () => false) }
    }
    if (round > 0 || fs.existsSync(file)) {
      const data = await readEntryFile(file, sizeHint).catch(orMissing)
      if (data) return { data, restored: false }
    }
  }
  return undefined
}

/**
 * A leftover aside: back under the entry's name if that is free, then removed. true: restored. On
 * a file system without hard links it stays (readers still find it; delete and clear remove it).
 */
export async function settleAside(aside: string, file: string): Promise<boolean> {
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
