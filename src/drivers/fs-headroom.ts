/**
 * The free space the fs tier leaves on its file system for other programs. Evicting only on ENOSPC
 * let the cache take a small disk to its last byte first, and whatever else wrote there next (the
 * build the cache serves, the shell, a log) failed. A write that would leave less than
 * `minFree(total)` available (statfs `bavail`: what an unprivileged program can still use) makes
 * room by evicting least recently used entries, or is skipped (fs-write.ts).
 *
 * The threshold is Chromium's "must remain available" for its storage quota: 1 % of the file
 * system, at most 1 GiB (Firefox's disk cache likewise stops growing below a free-space soft limit,
 * nginx's `proxy_cache_path min_free` clears its cache below one). cacache and ccache keep none.
 *
 * Cheap: one statfs (~6 µs) at most every REFRESH_MS, or sooner once the bytes this process wrote
 * since the last reading could have eaten a quarter of the margin it showed, or when the estimate
 * (the reading minus those bytes) says the write would not fit. Other processes' writes count
 * from the next reading.
 *
 * Each of this process's writes is counted once: from its admission (short() said it fits) until its
 * bytes are in its temp file it is `pending`, which no reading sees and a reading does not forget;
 * then (landed()) it counts in the bytes since the reading until the next one, which sees it. A
 * reading used to forget the writes admitted before it and still in flight: a burst of 6 writes of
 * 100 kB on a full 1 MiB disk, each re-reading, was each told it fit; they took the disk to 0 bytes
 * free (ENOSPC, room made by evicting after all). A reading made while a write's bytes are being
 * written, or in the moment between their landing and landed(), counts them twice until the next
 * reading: the rarer error, and on the safe side.
 */
import { statfsSync } from 'node:fs'
import { now } from '../runtime/clock.js'

/** Share of the file system left free. */
export const MIN_FREE_SHARE = 0.01
/** Most ever left free, whatever the file system's size. */
export const MIN_FREE_MAX = 1024 ** 3
/** Longest a statfs reading is trusted (other processes' writes are seen by the next one). */
const REFRESH_MS = 1000

/** The bytes left free on a file system of `totalBytes`. */
export function minFree(totalBytes: number): number {
  return Math.min(MIN_FREE_MAX, Math.floor(totalBytes * MIN_FREE_SHARE))
}

export class DiskHeadroom {
  /** Runtime clock ms of the reading; -Infinity: read at the next write. */
  private _at = Number.NEGATIVE_INFINITY
  /** Bytes available at the reading (Infinity: unknown, statfs failed). */
  private _avail = Number.POSITIVE_INFINITY
  private _minFree = 0
  private _block = 4096
  /** Bytes this process's writes put on disk since the reading (each write's size rounded up to blocks). */
  private _since = 0
  /** Bytes of this process's admitted writes not on disk yet: no reading counts them (see above). */
  private _pending = 0

  constructor(private readonly _dir: string) {}

  /** The bytes the file system must keep free (0 until the first reading). */
  get minFree(): number {
    return this._minFree
  }

  /**
   * How many bytes short of the headroom a write of `size` bytes would leave the file system (0:
   * it fits, and is pending from now on: landed() or dropped() once it is written or failed).
   */
  short(size: number): number {
    const bytes = this._bytes(size)
    const due = now() - this._at > REFRESH_MS || this._since * 4 > this._avail - this._minFree
    if (due || this._avail - this._since - this._pending - bytes < this._minFree) this._read()
    const left = this._avail - this._since - this._pending - bytes
    if (left >= this._minFree) {
      this._pending += bytes
      return 0
    }
    return Math.ceil(this._minFree - left)
  }

  /** A write of `size` bytes goes ahead unchecked (tried again after evicting for a full disk): pending as an admitted one. */
  take(size: number): void {
    this._pending += this._bytes(size)
  }

  /** An admitted write's bytes are in its file: counted as written since the reading (the next one sees them). */
  landed(size: number): void {
    const bytes = this._bytes(size)
    this._pending = Math.max(0, this._pending - bytes)
    this._since += bytes
  }

  /** An admitted write failed before its bytes landed (its temp file removed): no longer pending. */
  dropped(size: number): void {
    this._pending = Math.max(0, this._pending - this._bytes(size))
  }

  /** Entries were evicted (or a write failed): read again at the next write. */
  stale(): void {
    this._at = Number.NEGATIVE_INFINITY
  }

  /**
   * A write's bytes on disk: its blocks and one more, what a write also takes beside them (its dir's
   * entry, a state or marker file the tier writes): counted by its bytes alone, a 2 MiB disk was once
   * left one block short of the headroom between two readings.
   */
  private _bytes(size: number): number {
    return (Math.ceil(size / this._block) + 1) * this._block
  }

  private _read(): void {
    this._at = now()
    this._since = 0
    try {
      const st = statfsSync(this._dir)
      this._block = st.bsize > 0 ? st.bsize : 4096
      this._avail = st.bavail * st.bsize
      this._minFree = minFree(st.blocks * st.bsize)
    } catch {
      // the dir deleted meanwhile (made again by the write), a file system without statfs: no
      // headroom known until the next reading; ENOSPC stays the backstop (fs-write.ts)
      this._avail = Number.POSITIVE_INFINITY
    }
  }
}
