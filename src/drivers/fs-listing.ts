/**
 * The fs tier's listing of its dir between full rescans (FsLru.syncListing, fs-lru.ts): when it is
 * due, and what it learns of the other processes writing into the dir: their temp files (writes in
 * flight, counted at the size their names say: fs-tmp.ts) and, for each, the room its next write
 * will take before this process lists the dir again.
 */
import * as fs from 'node:fs'
import { now } from '../runtime/clock.js'
import { isLeftoverTmp, tmpSize, tmpWriter } from './fs-tmp.js'

/**
 * The size limit's check after writes lists the dir (syncListing) when the last listing is older
 * than this, or this process wrote LISTING_SHARE of the limit since: other processes' new entries
 * and temp files then count within ~0.1 s, not the second a full rescan waits (8 processes writing
 * 200 kB entries into a 5 MB namespace kept ~40 MB on disk while they ran, each seeing its own
 * writes only). Not on every check near the limit: a listing costs a readdir of the whole dir, and
 * at the limit (a long-lived cache's normal state) each write of tiny entries listed it: 55–75
 * writes/s at 8 000 entries where 2 000/s below (bench/soak/fs-fill.mjs). By the share, a process
 * writing entries of about one size lists the dir once per 1/64 of its entry count: amortized O(1)
 * per write; what it misses of the others in between is bounded as below the limit (their writes
 * of the last 0.1 s or 1/64 of the limit each, and each evicts with room for the others' next writes).
 */
const LISTING_MS = 100
/**
 * A larger dir waits this long per entry between listings by time (the share rule unchanged): a
 * listing costs ~0.6 µs per entry (readdir, the index walked), and one every 0.1 s of a 40 000-entry
 * namespace at its limit took a quarter of a process's time writing tiny entries (bench/soak/fs-fill.mjs
 * 5MB); ~5 % at most now. Other processes' writes still count once this process wrote its share.
 */
const LISTING_MS_PER_ENTRY = 0.01
export const LISTING_SHARE = 1 / 64
/**
 * Below this share of the limit the listing waits LISTING_FAR_MS: a synchronous readdir of a large
 * namespace every 0.1 s cost a process writing far below its limit ~20 % of its write throughput
 * (bench/cache.mjs: fs set 1 KB 84.7 → 103 µs), and other processes need more than that second to
 * take a half-empty namespace over its limit, unless the last listing found them writing (then the
 * 0.1 s rule holds below it too: 8 processes filling a 5 MB namespace each listed it once in that
 * second, and took it 24 % over before any of them saw the others' entries).
 */
const LISTING_FAR = 0.5
const LISTING_FAR_MS = 1000

/** Another process whose temp file a listing saw this long ago no longer counts as writing (othersNext). */
const WRITER_ACTIVE_MS = 1000

export class FsListing {
  /**
   * Bytes of other processes' temp files at the last listing (entries being written: they count
   * against the limit, at the size their names say, not the bytes written so far).
   */
  tmpBytes = 0
  /** The last listing found other processes writing (their temp files, or entries new to the index). */
  othersWriting = false
  /**
   * Other processes seen writing in the last WRITER_ACTIVE_MS (pid → the size of its temp file
   * then, and when: wall ms). Each may start its next write before this process lists the dir again.
   */
  private readonly _writers = new Map<number, { size: number; at: number }>()
  /** Bytes this process wrote since the last listing, and when that was (runtime clock ms). */
  private _writtenSinceListing = 0
  private _listedAt = 0
  /** The listing in progress: other processes' temp file bytes so far. */
  private _tmp = 0

  /**
   * Room for the next write of each other process seen writing (its last temp file's size): the
   * temp files listed are counted in `tmpBytes`, but once renamed their writers' next ones are
   * made before this process lists the dir again. Without it, 8 processes writing 200 kB entries
   * into a 5 MB namespace, each making room for its own write alone, held up to 16 % over it.
   */
  get othersNext(): number {
    let bytes = 0
    for (const w of this._writers.values()) bytes += w.size
    return bytes
  }

  /** Bytes this process wrote since the last listing (other processes have not been seen since). */
  get unlisted(): number {
    return this._writtenSinceListing
  }

  /** This process wrote an entry of `size` bytes. */
  wrote(size: number): void {
    this._writtenSinceListing += size
  }

  /** Whether a listing is due, the dir holding `held` bytes in `entries` as this process knows it (see LISTING_MS). */
  due(held: number, entries: number, maxBytes: number, force: boolean): boolean {
    const since = now() - this._listedAt
    return force || since >= Math.max(LISTING_FAR_MS, entries * LISTING_MS_PER_ENTRY)
      || ((held >= maxBytes * LISTING_FAR || this.othersWriting) && (since >= Math.max(LISTING_MS, entries * LISTING_MS_PER_ENTRY) || this._writtenSinceListing >= maxBytes * LISTING_SHARE))
  }

  /** A listing begins. */
  start(): void {
    this._listedAt = now()
    this._writtenSinceListing = 0
    this._tmp = 0
  }

  /**
   * A temp file the listing found (`path`, named `name`): a leftover of a writer that is gone is
   * removed (fs-tmp.ts), another process's counted. true: another process is writing.
   */
  tmpFile(path: string, name: string, wall: number): boolean {
    let st: fs.Stats | undefined
    try { st = fs.lstatSync(path, { throwIfNoEntry: false }) } catch { /* gone */ }
    if (!st?.isFile()) return false
    if (isLeftoverTmp(name, st.mtimeMs, wall)) {
      try { fs.unlinkSync(path) } catch { /* gone */ }
      return false
    }
    // this process's own count once written (FsLru.written)
    const writer = tmpWriter(name)
    if (writer === process.pid) return false
    // at the size its writer is writing, not the bytes it has written yet
    const size = Math.max(st.size, tmpSize(name) ?? 0)
    this._tmp += size
    if (writer !== undefined) this._writers.set(writer, { size: Math.max(size, this._writers.get(writer)?.size ?? 0), at: wall })
    return true
  }

  /** The listing is done: `others`, whether it found other processes writing. */
  end(others: boolean, wall: number): void {
    this.tmpBytes = this._tmp
    this.othersWriting = others
    for (const [pid, w] of this._writers) if (wall - w.at > WRITER_ACTIVE_MS) this._writers.delete(pid)
  }
}
