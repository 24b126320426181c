/**
 * The fs tier's set: an entry's file written atomically (temp file + rename, through its aside:
 * _fs-aside.ts), small ones with sync calls, large ones and bursts through the thread pool
 * (_fs-io.ts), room made first when the dir is near its size limit (fs-prune.ts), and what a
 * failed write does: the dir deleted under the tier (ENOENT): made again, the write tried once more.
 *
 * The temp file is removed whatever step failed (its name says its writer and size: fs-tmp.ts).
 */
import { now } from '../runtime/clock.js'
import { asideName } from './_fs-aside.js'
import { spentSync, SYNC_WRITE_BYTES, syncTurn, unlink, unlinkQuiet, writeAtomic, writeAtomicSync } from './_fs-io.js'
import { ensureDir, type FsDir } from './fs-dir.js'
import { makeRoom } from './fs-prune.js'
import { tmpName } from './fs-tmp.js'

export class FsWriter {
  /** The dir exists (made by the first write: one mkdir + chmod, sync, for a burst of first writes too). */
  private _dirReady = false
  /** Entries this process is rewriting through their aside: a second write of one renames over it. */
  private readonly _writing = new Set<string>()

  constructor(private readonly _files: FsDir) {}

  /** Writes entry file `name` (its encoded parts, `size` bytes in all) and counts it in the index. */
  async write(name: string, parts: Buffer[], size: number): Promise<void> {
    const files = this._files
    const lru = files.lru
    this._ready()
    // over the size limit: room made first (fs-prune.ts makeRoom); for a large entry once its temp
    // file exists, which other processes' checks count at its full size (its name says it)
    if (size <= SYNC_WRITE_BYTES && makeRoom(files, size, true) === undefined && syncTurn()) {
      const start = now()
      try {
        this._writeSync(name, parts, size)
      } finally {
        spentSync(start)
      }
    } else {
      await this._writeAsync(name, parts, size, () => makeRoom(files, size, false))
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

  /** A large entry, or a retry: through the thread pool (its bytes do not hold the loop). */
  private async _writeAsync(name: string, parts: Buffer[], size: number, beforeRename?: () => Promise<void> | undefined): Promise<void> {
    const file = this._files.base + name
    const aside = this._aside(name)
    let tmp = this._files.base + tmpName(name, size)
    if (aside) this._writing.add(name)
    try {
      await writeAtomic(tmp, file, parts, size, aside, beforeRename)
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
}
