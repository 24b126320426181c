/**
 * The fs tier: one file per entry, written atomically (temp file + rename, no fsync: a power loss
 * may lose an entry, and the integrity hash turns a torn file into a miss). Files 0600, dirs 0700.
 * A rewrite moves the entry aside first, and a reader that finds no entry reads the aside
 * (_fs-aside.ts): the old value or the new one, whatever step a writer is at or was killed at.
 *
 * Keys map to file names by `encodeFileName` (fs-names.ts): readable, escaped or hashed, never
 * colliding and never leaving the dir; the envelope records the original key, so a read checks it.
 *
 * The write (temp file, aside, room under the size limit, a deleted dir) is fs-write.ts.
 * LRU without a write per read: the access index and its write-back at close are fs-lru.ts. The
 * dir's listing, its live keys, an entry's removal with its aside and clear() are fs-dir.ts; the
 * scans that remove entries (prune, the hourly sweep, the size limit, verify) fs-prune.ts; the
 * dir's safety check before its first use fs-dir-check.ts.
 *
 * Small entries are read and written with sync calls (~10–100 µs each, where each of the 3–6
 * thread-pool round trips of an operation cost 0.3–0.4 ms in a fresh process), large ones and
 * bursts past ~2 ms of sync calls in one turn of the event loop through the thread pool
 * (_fs-sync.ts). The first-use metadata (mkdir, the sweep marker, a small dir's index, the access
 * times at close) is sync too. Every operation still returns a promise: errors are rejections.
 */
import { sep } from 'node:path'
import { now } from '../runtime/clock.js'
import { asideName, readAside } from './_fs-aside.js'
import { unlinkQuiet } from './_fs-calls.js'
import { isNotAFile, readEntryFile, removeNonFile } from './_fs-read.js'
import { spentSync, syncTurn } from './_fs-sync.js'
import { SYNC_WRITE_BYTES } from './_fs-write-atomic.js'
import { FsDirCheck } from './fs-dir-check.js'
import { explainUnwritable } from './fs-unwritable.js'
import { encodeFileName } from './fs-names.js'
import { FsDir } from './fs-dir.js'
import { DiskFullError, isDiskFull } from './fs-disk-full.js'
import { FsWriter } from './fs-write.js'
import { FsLru, type IndexEntry } from './fs-lru.js'
import { enforceMaxBytes, evictNames, knowLimit, limited, pruneDir, refuseLarger, sweepDir, verifyDir } from './fs-prune.js'
export { decodeFileName, encodeFileName } from './fs-names.js'
import { decodeEntry, encodeEntryParts, entryPlaceTag, type EncodeOptions } from './envelope.js'
import { placeSeed, placeTag } from './place-tag.js'
import { CorruptEntryError, type KeysOptions, type StoredEntry, type Tier } from './types.js'

export type { IndexEntry } from './fs-lru.js'

/** The most names of keys a faster tier answered kept by usedAbove() (then it starts over). */
const NAMES_USED_ABOVE = 1024

export class FsTier implements Tier {
  readonly kind = 'fs'
  readonly remote = false
  /** The file names of the keys a faster tier answered (usedAbove), up to NAMES_USED_ABOVE. */
  private readonly _namesUsedAbove = new Map<string, string>()
  /** The LRU index of the dir and the access times to write back at close. */
  private readonly _lru: FsLru
  /** The writes (fs-write.ts). */
  private readonly _writer: FsWriter

  /** The dir's safety check, once (fs-dir-check.ts): the hot paths skip it once it passed. */
  private readonly _safe: FsDirCheck
  /** `dir` + separator: entry paths by concatenation (names never contain a separator). */
  private readonly _base: string
  /** The dir's files: listing, keys, removals (fs-dir.ts). */
  private readonly _files: FsDir

  /** placeSeed of the tier's place: its entries carry their place tag, checked on read (place-tag.ts). */
  private readonly _seed: number | undefined

  /**
   * `place`: where the entries belong (the scope id and namespace of a cache namespace's tier): an
   * entry whose place tag is another's (a file copied from another namespace's dir) is corrupt, one
   * without a tag (an earlier build's) a miss. Without it, entries are neither tagged nor checked.
   */
  constructor(readonly dir: string, private readonly _encode: EncodeOptions, place?: string) {
    this._seed = place === undefined ? undefined : placeSeed(place)
    this._base = dir.endsWith(sep) ? dir : dir + sep
    this._lru = new FsLru(dir, this._base)
    this._files = new FsDir(dir, this._base, this._lru)
    this._writer = new FsWriter(this._files)
    this._safe = new FsDirCheck(dir)
  }

  async get(key: string): Promise<StoredEntry | null> {
    if (!this._safe.ok) this._safe.check()
    const name = encodeFileName(key)
    let data: Buffer
    /** read from an aside left as one (a newer entry took the name meanwhile) */
    let fromAside = false
    const known = this._lru.get(name)
    try {
      data = await readEntryFile(this._base + name, known?.size)
    } catch (error) {
      if (isNotAFile(error)) this._notAFile(key, name, error)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error
      // another process may be rewriting it (its old value aside); looking again is worth more
      // for a key the index knows
      const found = await readAside(this._base + name, this._base + asideName(name), known?.size, known ? 3 : 1)
        .catch(again => isNotAFile(again) ? this._notAFile(key, name, again) : Promise.reject(again))
      if (!found) return null
      data = found.data
      if (found.restored) this._lru.found(name, data.length, 0)
      else fromAside = true
    }
    let entry: StoredEntry
    try {
      // the buffer is ours alone: binary values are views of it, not copies
      entry = decodeEntry(data, key, this._encode.integrity, true)
      if (this._seed !== undefined && entryPlaceTag(data) !== placeTag(this._seed, key)) {
        // an earlier build's entry (no tag): a miss, rewritten by the next set; another place's: corrupt
        if (!entryPlaceTag(data)) { this._removeRead(name, fromAside); return null }
        throw new CorruptEntryError(key, 'the entry belongs to another namespace or scope (a file copied or moved into this dir)')
      }
    } catch (error) {
      this._removeRead(name, fromAside)
      throw error
    }
    this._lru.touched(name)
    return entry
  }

  /** A file get() read and will not serve: removed (its aside, when that is what was read). */
  private _removeRead(name: string, fromAside: boolean): void {
    if (fromAside) unlinkQuiet(this._base + asideName(name))
    else this._files.removeSync(name)
  }

  /** The place tag this tier's entry of `key` must carry; undefined: none checked. */
  tagOf(key: string): number | undefined {
    return this._seed === undefined ? undefined : placeTag(this._seed, key)
  }

  /**
   * Not a tier failure: one stray directory, symlink or FIFO under an entry's name must not cost
   * the namespace its fs tier (and a symlink is never followed: it could lead to another
   * namespace's entry). Removed; a corrupt entry (a miss, reported).
   */
  private _notAFile(key: string, name: string, error: unknown): never {
    removeNonFile(this._base + name)
    this._lru.forget(name)
    const code = (error as NodeJS.ErrnoException).code
    const what = code === 'EISDIR' ? 'a directory' : code === 'ELOOP' ? 'a symlink' : 'a FIFO or socket'
    throw new CorruptEntryError(key, `${what} where the entry file should be`)
  }

  async getMany(keys: string[]): Promise<(StoredEntry | null | CorruptEntryError)[]> {
    return Promise.all(keys.map(k => this.get(k).catch(error => {
      if (error instanceof CorruptEntryError) return error
      throw error
    })))
  }

  async set(entry: StoredEntry): Promise<void> {
    if (!this._safe.ok) this._safe.check()
    const name = encodeFileName(entry.key)
    let encoded: ReturnType<typeof encodeEntryParts>
    try {
      encoded = encodeEntryParts(entry, this._encode, this._seed === undefined ? 0 : placeTag(this._seed, entry.key))
    } catch (error) {
      // a value this tier cannot store (json-loss.ts): the key's previous value goes, as for an entry too large
      await this._files.remove(name).catch(() => {})
      throw error
    }
    const { parts, size } = encoded
    entry.size = size
    // larger than maxSize on its own: not kept (fs-prune.ts)
    const refused = refuseLarger(this._files, entry.key, name, size)
    if (refused !== undefined) await refused
    else await this._writer.write(name, parts, size)
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    await Promise.all(entries.map(e => this.set(e)))
  }

  async delete(key: string): Promise<boolean> {
    if (!this._safe.ok) this._safe.check()
    const name = encodeFileName(key)
    // a lone delete: sync unlinks (~15 µs for a small file), unless the index knows the entry is large
    const known = this._lru.get(name)
    if ((known && known.size > SYNC_WRITE_BYTES) || !syncTurn()) return this._files.remove(name)
    const start = now()
    try {
      return this._files.removeSync(name)
    } finally {
      spentSync(start)
    }
  }

  /** The keys of the live entries (fs-dir.ts); `expired`: every entry. */
  async keys(options?: KeysOptions): Promise<string[]> {
    if (!this._safe.ok) this._safe.check()
    return this._files.keys(options, key => this.tagOf(key))
  }

  /** Every entry and aside removed: how many values went (fs-dir.ts). */
  async clear(): Promise<number> {
    if (!this._safe.ok) this._safe.check()
    return this._files.clear()
  }

  // --- scans of the dir (fs-prune.ts) ---

  async prune(maxBytes: number, now: number, staleFor = 0) {
    if (!this._safe.ok) this._safe.check()
    return pruneDir(this._files, maxBytes, now, staleFor)
  }

  /**
   * prune() at most hourly per namespace dir, across processes (fs-prune.ts). Like enforce(), run
   * after a write in the background: in a dir the checks refuse it does nothing (the write that
   * started it reported the refusal), where it removed whatever did not read as an entry through
   * a namespace dir planted as a symlink.
   */
  async sweep(maxBytes: number, now: number, staleFor = 0) {
    if (!this._safe.ok && !this._safe.forScan()) return []
    return sweepDir(this._files, maxBytes, now, staleFor)
  }

  async enforce(maxBytes: number) {
    if (!this._safe.ok && !this._safe.forScan()) return []
    return enforceMaxBytes(this._files, maxBytes)
  }

  /** The size limit the namespace will enforce: writes near it make room from the first one on (fs-prune.ts makeRoom). */
  knowLimit(maxBytes: number): void {
    knowLimit(this._files, maxBytes)
  }

  /** The LRU index (file name → size, last access), for the cap shared by all namespaces (budget.ts). */
  async accessIndex(): Promise<ReadonlyMap<string, Readonly<IndexEntry>>> {
    return this._lru.load()
  }

  /** Evicts these files (names from accessIndex()) as LRU evictions. */
  evictNames(names: string[]) {
    return evictNames(this._files, names)
  }

  async verify() {
    if (!this._safe.ok) this._safe.check()
    return verifyDir(this._files, key => this.tagOf(key))
  }

  /**
   * Once the size limit's run in progress (after writes, in the background) is done: within maxSize.
   * Refused as every read of the dir is: info() (`unperf cache info`) counted the entries of a dir
   * the tier refuses, exit 0 and no word, while `cache list` said the tier was not used.
   */
  async stats() {
    if (!this._safe.ok) this._safe.check()
    this._files.checkReadable()
    await limited(this._files)
    await this._lru.refresh()
    const index = await this._lru.load()
    return { entries: index.size, bytes: this._lru.bytes }
  }

  /** A faster tier's hit of this key: a use in the LRU order, as get()'s hit is (written back at close). */
  usedAbove(key: string): void {
    let name = this._namesUsedAbove.get(key)
    if (name === undefined) {
      // remembered: a memory tier answers one key many times, and a long key's name is its sha256 (≈ 1.6 µs a hit)
      if (this._namesUsedAbove.size >= NAMES_USED_ABOVE) this._namesUsedAbove.clear()
      this._namesUsedAbove.set(key, (name = encodeFileName(key)))
    }
    this._lru.touched(name)
  }

  /** The access times of this process's hits, written back (fs-lru.ts). */
  async close(): Promise<void> {
    await this._lru.flush()
  }

  /**
   * A write refused by a read-only file system or a dir not ours as such, naming the dir
   * (fs-unwritable.ts); a full disk met elsewhere than in an entry's write (making the dir) as the
   * write's DiskFullError.
   */
  explain(error: unknown): unknown {
    if (isDiskFull(error) && !(error instanceof DiskFullError)) return new DiskFullError(this.dir, error as NodeJS.ErrnoException)
    return explainUnwritable(error, this.dir)
  }
}
