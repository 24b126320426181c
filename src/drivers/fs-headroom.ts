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
  /** Bytes this process's writes took since the reading (each write's size rounded up to blocks). */
  private _since = 0

  constructor(private readonly _dir: string) {}

  /** The bytes the file system must keep free (0 until the first reading). */
  get minFree(): number {
    return this._minFree
  }

  /**
   * How many bytes short of the headroom a write of `size` bytes would leave the file system (0:
   * it fits, and its bytes are counted against the reading from now on).
   */
  short(size: number): number {
    // a block more than the entry's own: what a write also takes beside them (its dir's entry, a
    // state or marker file the tier writes): counted by its bytes alone, a 2 MiB disk was once left
    // one block short of the headroom between two readings
    const bytes = (Math.ceil(size / this._block) + 1) * this._block
    const due = now() - this._at > REFRESH_MS || this._since * 4 > this._avail - this._minFree
    if (due || this._avail - this._since - bytes < this._minFree) this._read()
    const left = this._avail - this._since - bytes
    if (left >= this._minFree) {
      this._since += bytes
      return 0
    }
    return Math.ceil(this._minFree - left)
  }

  /** Entries were evicted (or a write failed): read again at the next write. */
  stale(): void {
    this._at = Number.NEGATIVE_INFINITY
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
