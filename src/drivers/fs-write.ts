/**
 * The fs tier's set: an entry's file written atomically (temp file + rename, through its aside:
 * _fs-aside.ts), small ones with sync calls, large ones and bursts through the thread pool
 * (_fs-sync.ts), room made first when the dir is near its size limit (fs-size-limit.ts), and what a
 * failed write does:
 *
 * - the dir deleted under the tier (ENOENT): made again, the write tried once more;
 * - a full disk or quota (ENOSPC, EDQUOT): least recently used entries of the dir are evicted (room
 *   for this write, whatever maxSize says; one write's eviction and retry at a time, a write that
 *   met the full disk meanwhile tries again first in the room left) and the write tried once more;
 *   failing again, the write is skipped with a DiskFullError (`cache:error`, one warning naming the
 *   dir), and for FULL_BACKOFF_MS the writes that meet a full disk are skipped without evicting
 *   (a disk filled by something else would otherwise cost the cache every entry, a few per set).
 *
 * - before that, a write that would leave less free on the file system than other programs are
 *   left (fs-headroom.ts: 1 % of it, at most 1 GiB) evicts least recently used entries of the dir
 *   first (as many bytes as it would fall short; in the same one-at-a-time turns), or, when the
 *   dir does not hold that much, is skipped with a DiskFullError without evicting anything.
 *
 * The temp file is removed whatever step failed (its name says its writer and size: fs-tmp.ts).
 */
import { now } from '../runtime/clock.js'
import { asideName } from './_fs-aside.js'
import { unlink, unlinkQuiet } from './_fs-calls.js'
import { spentSync, syncTurn } from './_fs-sync.js'
import { SYNC_WRITE_BYTES, writeAtomic, writeAtomicSync, type WriteSteps } from './_fs-write-atomic.js'
import { ensureDir, type FsDir } from './fs-dir.js'
import { DiskFullError, isDiskFull } from './fs-disk-full.js'
import { DiskHeadroom } from './fs-headroom.js'
import { freeDisk, makeRoom } from './fs-size-limit.js'
import { tmpName } from './fs-tmp.js'

/** After a write that evicted for a full disk failed again: how long full-disk failures skip the eviction. */
const FULL_BACKOFF_MS = 10_000
/** Evictions for the headroom one write may make before it is skipped (_keepHeadroom). */
const HEADROOM_TURNS = 3
/** The least a full disk's eviction frees (a few blocks: small entries' files round up to them). */
const FULL_MIN_FREE = 64 * 1024

export class FsWriter {
  /** The dir exists (made by the first write: one mkdir + chmod, sync, for a burst of first writes too). */
  private _dirReady = false
  /** Entries this process is rewriting through their aside: a second write of one renames over it. */
  private readonly _writing = new Set<string>()
  /** Runtime clock ms until which a full disk skips writes without evicting (see FULL_BACKOFF_MS). */
  private _fullUntil = 0
  /**
   * The full disk's evictions and the writes tried again after them, one at a time (a burst of 6
   * concurrent writes, each evicting in the same LRU order and trying again at once, took each
   * other's room: every entry of the dir went and a write was still lost); and how many ran, so a
   * write that met the full disk while one ran first tries again in the room it left.
   */
  private _fullQueue: Promise<unknown> = Promise.resolve()
  private _fullRuns = 0
  /** The free space left to other programs (fs-headroom.ts). */
  private readonly _headroom: DiskHeadroom

  constructor(private readonly _files: FsDir) {
    this._headroom = new DiskHeadroom(_files.dir)
  }

  /** Writes entry file `name` (its encoded parts, `size` bytes in all) and counts it in the index. */
  async write(name: string, parts: Buffer[], size: number): Promise<void> {
    // no eviction takes it meanwhile (fs-dir.ts FsDir.writing)
    const inFlight = this._files.writing
    inFlight.set(name, (inFlight.get(name) ?? 0) + 1)
    try {
      await this._write(name, parts, size)
    } finally {
      const left = inFlight.get(name)! - 1
      if (left === 0) inFlight.delete(name)
      else inFlight.set(name, left)
    }
  }

  private async _write(name: string, parts: Buffer[], size: number): Promise<void> {
    const files = this._files
    const lru = files.lru
    this._ready()
    // the file system's last bytes are left to other programs: room made, or the write skipped
    const headroom = this._headroom
    const short = headroom.short(size)
    if (short > 0) await this._keepHeadroom(size, short)
    // admitted: pending in the headroom until its bytes are in its temp file (fs-headroom.ts)
    let pending = true
    const landed = (): void => {
      if (pending) { pending = false; headroom.landed(size) }
    }
    // over the size limit: room made first (fs-size-limit.ts makeRoom); for a large entry once its temp
    // file exists, which other processes' checks count at its full size (its name says it)
    if (size <= SYNC_WRITE_BYTES && makeRoom(files, size, true) === undefined && syncTurn()) {
      let failed: unknown
      const start = now()
      try {
        this._writeSync(name, parts, size)
        landed()
      } catch (error) {
        pending = false
        headroom.dropped(size)
        if (!isDiskFull(error)) throw error
        failed = error
      } finally {
        spentSync(start)
      }
      if (failed !== undefined) await this._afterDiskFull(name, parts, size, failed)
    } else {
      try {
        // near the limit: room made before the bytes land (the namespace held limit + this entry
        // while it was written, 20 % over for a 200 kB entry in a full 1 MB namespace); else checked
        // before the rename, in case another write brought it near meanwhile
        const roomFirst = makeRoom(files, size, true) !== undefined
        const room = () => makeRoom(files, size, false)
        await this._writeAsync(name, parts, size, roomFirst ? { beforeBytes: room, bytesWritten: landed } : { bytesWritten: landed, beforeRename: room })
        landed()
      } catch (error) {
        if (pending) { pending = false; headroom.dropped(size) }
        if (!isDiskFull(error)) throw error
        await this._afterDiskFull(name, parts, size, error)
      }
    }
    lru.written(name, size)
  }

  private _ready(): void {
    if (this._dirReady) return
    ensureDir(this._files.dir)
    this._dirReady = true
  }

  /**
   * Where the entry goes first: aside, unless the index knows the key is new or this process's
   * other write of it holds the aside (a write through the pool, in flight).
   */
  private _aside(name: string): string | undefined {
    return this._writing.has(name) || this._files.lru.isNew(name) ? undefined : this._files.base + asideName(name)
  }

  /** A small entry: every call sync (nothing of this process runs in between: no other write of it meets its aside). */
  private _writeSync(name: string, parts: Buffer[], size: number): void {
    const file = this._files.base + name
    let tmp = this._files.base + tmpName(name, size)
    try {
      writeAtomicSync(tmp, file, parts, size, this._aside(name))
    } catch (error) {
      unlinkQuiet(tmp)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      // the cache dir was deleted under us: recreate once
      this._dirReady = false
      this._ready()
      tmp = this._files.base + tmpName(name, size)
      try {
        writeAtomicSync(tmp, file, parts, size)
      } catch (again) {
        unlinkQuiet(tmp)
        throw again
      }
    }
  }

  /** A large entry, or a retry: through the thread pool (its bytes do not hold the loop); `steps`: writeAtomic's. */
  private async _writeAsync(name: string, parts: Buffer[], size: number, steps?: WriteSteps): Promise<void> {
    const file = this._files.base + name
    const aside = this._aside(name)
    let tmp = this._files.base + tmpName(name, size)
    if (aside) this._writing.add(name)
    try {
      await writeAtomic(tmp, file, parts, size, aside, steps)
    } catch (error) {
      await unlink(tmp).catch(() => {})
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      // the cache dir was deleted under us: recreate once
      this._dirReady = false
      this._ready()
      tmp = this._files.base + tmpName(name, size)
      try {
        await writeAtomic(tmp, file, parts, size)
      } catch (again) {
        await unlink(tmp).catch(() => {})
        throw again
      }
    } finally {
      if (aside) this._writing.delete(name)
    }
  }

  /**
   * A write of `size` bytes would leave the file system `short` bytes under its headroom: in the
   * full disk's turns (another write's turn may have made the room meanwhile), least recently used
   * entries of the dir evicted for it, or, when the dir holds less than that, none and a
   * DiskFullError (evicting them all would not make the room: a disk filled by something else);
   * then, for FULL_BACKOFF_MS, writes short of room are skipped at once (no listing of the dir each).
   */
  private _keepHeadroom(size: number, short: number): Promise<void> {
    const run = this._fullQueue.then(async () => {
      short = this._headroom.short(size)
      if (short === 0) return
      const skipped = (after: 'evicted' | 'empty' | 'backoff') => {
        // as after a full disk: for a while, writes short of room are skipped without listing the dir again
        if (after !== 'backoff') this._fullUntil = now() + FULL_BACKOFF_MS
        return new DiskFullError(this._files.dir, Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }), after, this._headroom.minFree)
      }
      if (now() < this._fullUntil) throw skipped('backoff')
      const lru = this._files.lru
      await lru.load()
      await lru.syncListing(Infinity, true)
      if (lru.held < short) throw skipped('empty')
      // evicted again while it frees some and is still short: the cache's own small files (its index,
      // budget summary, scope marker) written meanwhile took the few blocks it freed past `short` (an
      // entry's logical size, not its blocks): the write was skipped, seen in CI
      for (let turn = 0; turn < HEADROOM_TURNS; turn++) {
        const freed = await freeDisk(this._files, short)
        this._headroom.stale()
        short = this._headroom.short(size)
        if (short === 0) return
        if (freed === 0) break
      }
      throw skipped('evicted')
    }).finally(() => { this._fullRuns++ })
    this._fullQueue = run.catch(() => {})
    return run
  }

  /**
   * A write met a full disk: least recently used entries evicted, the write tried once more (see the
   * top of the file); failing again, or within FULL_BACKOFF_MS of such a failure, a DiskFullError.
   */
  private async _afterDiskFull(name: string, parts: Buffer[], size: number, error: unknown): Promise<void> {
    const seen = this._fullRuns
    const run = this._fullQueue.then(() => this._evictAndRetry(name, parts, size, error, seen !== this._fullRuns))
    this._fullQueue = run.catch(() => {})
    return run
  }

  /** One write's turn (see _fullQueue): tried again first when `roomMade` by another's turn, then evicting for it. */
  private async _evictAndRetry(name: string, parts: Buffer[], size: number, error: unknown, roomMade: boolean): Promise<void> {
    try {
      if (now() < this._fullUntil) throw new DiskFullError(this._files.dir, error as NodeJS.ErrnoException, 'backoff')
      if (roomMade) {
        try {
          return await this._retry(name, parts, size)
        } catch (again) {
          if (!isDiskFull(again)) throw again
        }
      }
      const freed = await freeDisk(this._files, Math.max(size, FULL_MIN_FREE))
      this._headroom.stale()
      try {
        await this._retry(name, parts, size)
      } catch (again) {
        if (!isDiskFull(again)) throw again
        this._fullUntil = now() + FULL_BACKOFF_MS
        throw new DiskFullError(this._files.dir, again as NodeJS.ErrnoException, freed > 0 ? 'evicted' : 'empty')
      }
    } finally {
      this._fullRuns++
    }
  }

  /** A write tried again after a full disk: pending in the headroom as an admitted one until its bytes land. */
  private async _retry(name: string, parts: Buffer[], size: number): Promise<void> {
    const headroom = this._headroom
    headroom.take(size)
    let pending = true
    const landed = (): void => {
      if (pending) { pending = false; headroom.landed(size) }
    }
    try {
      await this._writeAsync(name, parts, size, { bytesWritten: landed })
      landed()
    } finally {
      if (pending) headroom.dropped(size)
    }
  }
}
