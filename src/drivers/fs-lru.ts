/**
 * The fs tier's LRU bookkeeping, without a write per read: an in-memory index of its dir (file
 * name → size, last access) built lazily from one readdir + stat, kept up to date by the tier's own
 * hits, writes and removals, and the access times of this process's hits written back once, at
 * close (as mtime: the last write or hit; expiry lives in the envelope), so the next process starts
 * from the right order.
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { epochNow, now } from '../runtime/clock.js'
import { SUFFIX } from './fs-names.js'
import { FsListing } from './fs-listing.js'

export interface IndexEntry { size: number; access: number }

/**
 * Metadata calls on up to this many files are made sync (the access times at close, the stats of
 * a small dir), more through the thread pool.
 */
const SYNC_MAX = 64

/**
 * An index older than this is built again before the size limit is checked (refresh()): other
 * processes' writes count within about a second in a long-running process. A CLI's run is over
 * before (its index is built at first use: no second scan). Larger dirs wait 1 ms per entry, so
 * rescans (an lstat, ~10–20 µs, per entry) take at most ~2 % of the time.
 */
const REFRESH_MIN_MS = 1000
const REFRESH_MS_PER_ENTRY = 1

/** How far a file's mtime (the kernel's coarse clock) may run ahead of this process's clock for the same event. */
const MTIME_SLACK_MS = 10

/** An mtime further ahead of the clock than this was stamped by a clock that was wrong (lastAccess). */
const FUTURE_MS = 60_000

/**
 * An entry's last access from its file's mtime. One from the future (written or used while the
 * clock was ahead, then corrected) counts as the oldest: as its mtime it stayed the most recent of
 * the dir until the clock caught up, so every other entry, the ones in use included, was evicted
 * before it (an entry written a year ahead and never read again outlived each run's new entry).
 */
export function lastAccess(mtimeMs: number, wall = Date.now()): number {
  return mtimeMs > wall + FUTURE_MS ? 0 : mtimeMs
}

/** An entry's file name (not a temp file, an aside or the sweep marker). */
export function isEntryName(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith('.')
}

/**
 * Wall-clock ms with sub-ms precision: comparable with file mtimes (also sub-ms). From the runtime
 * clock, not `performance` (its first use loads perf_hooks: ~1.2 ms).
 */
export function preciseNow(): number {
  return epochNow()
}

export class FsLru {
  private _index: Map<string, IndexEntry> | undefined
  private _loading: Promise<Map<string, IndexEntry>> | undefined
  /** Bytes of the indexed entries (meaningful once loaded). */
  bytes = 0
  /**
   * Changes when the index gains entries whose place in the LRU order is not the newest (a scan's,
   * a listing's entries of other processes, an aside put back): the eviction order is sorted again
   * (fs-evict-order.ts).
   */
  generation = 0
  /** When the dir is listed between rescans, and what that found of other processes' writes (fs-listing.ts). */
  private readonly _listing = new FsListing()
  /** file name → last access (ms, sub-ms precision) of this process's hits, written back at close */
  private readonly _touched = new Map<string, number>()
  /**
   * file name → write time of this process's writes made before the index loaded. The index then
   * takes these, not the files' mtimes: the kernel stamps a file from its coarse clock (a tick,
   * 1–4 ms, behind), so an entry written a moment before another could look newer than it.
   */
  private readonly _writtenBeforeLoad = new Map<string, number>()
  /** When the index was last built from the dir (runtime clock ms). */
  private _loadedAt = 0
  private _refreshing: Promise<void> | undefined
  /** Entries this process wrote or removed while a refresh scanned the dir. */
  private _changedDuringScan: Map<string, 'written' | 'removed'> | undefined

  /** `base`: the dir with its separator (entry paths by concatenation). */
  constructor(private readonly _dir: string, private readonly _base: string) {}

  /** What the dir holds, as this process knows it: entries and other processes' temp files (writes in flight). */
  get held(): number {
    return this.bytes + this._listing.tmpBytes
  }

  /** Bytes of other processes' temp files at the last listing (fs-listing.ts). */
  get tmpBytes(): number {
    return this._listing.tmpBytes
  }

  /** The last listing found other processes writing. */
  get othersWriting(): boolean {
    return this._listing.othersWriting
  }

  /** Bytes this process wrote since the dir was last listed. */
  get unlisted(): number {
    return this._listing.unlisted
  }

  /** Room for the next write of each other process seen writing (fs-listing.ts). */
  get othersNext(): number {
    return this._listing.othersNext
  }

  /** The index is built (before: `held` knows nothing of the dir). */
  get loaded(): boolean {
    return this._index !== undefined
  }

  /** The entry, if the index is loaded and has it. */
  get(name: string): IndexEntry | undefined {
    return this._index?.get(name)
  }

  /** The index is loaded and does not have this entry: a new key (its write needs no aside). */
  isNew(name: string): boolean {
    return this._index !== undefined && !this._index.has(name)
  }

  /** A hit: its access time now, in the index and for the write-back at close. */
  touched(name: string): void {
    const at = preciseNow()
    const idx = this._index?.get(name)
    if (idx) idx.access = at
    this._touched.set(name, at)
  }

  /** This process wrote the entry. */
  written(name: string, size: number): void {
    this._listing.wrote(size)
    this._changedDuringScan?.set(name, 'written')
    if (!this._index) { this._writtenBeforeLoad.set(name, preciseNow()); return }
    const prev = this._index.get(name)
    if (prev) this.bytes -= prev.size
    this._index.set(name, { size, access: preciseNow() })
    this.bytes += size
  }

  /** An entry found on disk (an aside put back): indexed unless it already is. */
  found(name: string, size: number, access: number): void {
    if (!this._index || this._index.has(name)) return
    this._index.set(name, { size, access })
    this.bytes += size
    this.generation++
  }

  /** An entry gone from the dir: out of the index and its bytes. */
  forget(name: string): void {
    this._writtenBeforeLoad.delete(name)
    this._changedDuringScan?.set(name, 'removed')
    const idx = this._index?.get(name)
    if (idx) { this.bytes -= idx.size; this._index!.delete(name) }
  }

  /** The index, built on first use from the dir (hits of this process before then count too). */
  load(): Promise<Map<string, IndexEntry>> {
    if (this._index) return Promise.resolve(this._index)
    return (this._loading ??= (async () => {
      const { index, bytes } = await this._scan(name => Math.max(this._touched.get(name) ?? 0, this._writtenBeforeLoad.get(name) ?? 0))
      this._index = index
      this.generation++
      this._loadedAt = now()
      this._writtenBeforeLoad.clear()
      this.bytes = bytes
      return index
    })())
  }

  /**
   * The index built again from the dir, when it was built more than `maxAgeMs` ago (default: see
   * REFRESH_MIN_MS; any age: 0): other processes write and remove entries too, and an index that only follows
   * this process's own writes lets the dir grow past maxSize while each process sees it under.
   * This process's own access times stay (a file's mtime well past one is another process's later
   * write); its writes and removals made during the scan win over what the scan saw.
   */
  async refresh(maxAgeMs = Math.max(REFRESH_MIN_MS, (this._index?.size ?? 0) * REFRESH_MS_PER_ENTRY)): Promise<void> {
    const old = await this.load()
    if (now() - this._loadedAt < maxAgeMs) return
    if (this._refreshing) return this._refreshing
    this._refreshing = (async () => {
      const changed = this._changedDuringScan = new Map()
      try {
        const { index } = await this._scan(name => old.get(name)?.access ?? 0)
        // this process's writes and removals during the scan win over what it saw
        for (const [name, change] of changed) {
          const entry = old.get(name)
          if (change === 'written' && entry) index.set(name, entry)
          else index.delete(name)
        }
        // and hits during the scan
        for (const [name, entry] of index) entry.access = Math.max(entry.access, old.get(name)?.access ?? 0)
        old.clear()
        let bytes = 0
        for (const [name, entry] of index) { old.set(name, entry); bytes += entry.size }
        this.bytes = bytes
        this.generation++
        this._loadedAt = now()
      } finally {
        this._changedDuringScan = undefined
        this._refreshing = undefined
      }
    })()
    return this._refreshing
  }

  /**
   * The index in step with the dir's listing, for the size limit while other processes write: the
   * entries they made since are stat'ed and counted, those removed since forgotten, and their temp
   * files (entries being written) counted in `tmpBytes`; a temp file whose writer is gone (its pid
   * in its name, a process killed mid-write) and is 2 s old is removed (fs-tmp.ts). One readdir
   * and an lstat per name the index does not know; sync, so no write of this process lands in
   * between. Only when due (fs-listing.ts) or `force`d: `maxBytes`, the limit checked.
   */
  async syncListing(maxBytes: number, force = false): Promise<void> {
    const index = await this.load()
    const listing = this._listing
    if (!listing.due(this.held, index.size, maxBytes, force)) return
    let names: string[]
    try { names = fs.readdirSync(this._dir) } catch { return }
    listing.start()
    const listed = new Set<string>()
    let others = false
    const wall = Date.now()
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        if (listing.tmpFile(this._base + name, name, wall)) others = true
        continue
      }
      if (!isEntryName(name)) continue
      listed.add(name)
      if (index.has(name)) continue
      let st: fs.Stats | undefined
      try { st = fs.lstatSync(this._base + name, { throwIfNoEntry: false }) } catch { /* unreadable: not indexed */ }
      if (!st?.isFile()) continue
      index.set(name, { size: st.size, access: lastAccess(st.mtimeMs, wall) })
      this.bytes += st.size
      this.generation++
      others = true
    }
    for (const [name, entry] of index) {
      if (listed.has(name)) continue
      index.delete(name)
      this.bytes -= entry.size
    }
    listing.end(others, wall)
  }

  /** The dir's entries (readdir + lstat), with their access: the file's mtime, or this process's own later use (`ours`). */
  private async _scan(ours: (name: string) => number): Promise<{ index: Map<string, IndexEntry>; bytes: number }> {
    const index = new Map<string, IndexEntry>()
    let bytes = 0
    // sync readdir: the names' strings are made on this thread either way, what the pool would
    // take off it is the getdents calls (~0.2 µs per entry); a small dir (a CLI's namespace):
    // sync stats too, ~10 µs each where each round trip waited behind the loop (0.3–1 ms in a
    // CLI's run); a large one's stats through the thread pool
    let names: string[] = []
    try { names = fs.readdirSync(this._dir).filter(isEntryName) } catch { /* no dir yet: empty */ }
    const sync = names.length <= SYNC_MAX
    for (const name of names) {
      const file = this._base + name
      let st: fs.Stats | undefined
      if (sync) {
        try { st = fs.lstatSync(file, { throwIfNoEntry: false }) } catch { /* unreadable: not indexed */ }
      } else {
        st = await fsp.lstat(file).catch(() => undefined)
      }
      // a symlink, directory or FIFO under an entry's name is no entry (its target's size is not
      // this dir's); a read or prune removes it
      if (!st?.isFile()) continue
      // not atime: our own scans (prune, verify, keys) read files and relatime would count them
      // this process's own use on its own clock; an mtime well past it is another process's later write
      const mine = ours(name)
      const mtime = lastAccess(st.mtimeMs)
      index.set(name, { size: st.size, access: mtime > mine + MTIME_SLACK_MS ? mtime : mine })
      bytes += st.size
    }
    return { index, bytes }
  }

  /**
   * The access times of this process's hits, as the files' mtimes. No stat first: a file gone since
   * is ENOENT, ignored (utimes never creates one). A few (a CLI's run): sync calls, ~10 µs each where
   * a round trip costs 0.3 ms in a fresh process; many: through the thread pool.
   */
  async flush(): Promise<void> {
    const at = new Date()
    const touched = [...this._touched.keys()]
    this._touched.clear()
    if (touched.length <= SYNC_MAX) {
      for (const name of touched) {
        try { fs.utimesSync(this._base + name, at, at) } catch { /* removed since */ }
      }
      return
    }
    await Promise.all(touched.map(name => fsp.utimes(this._base + name, at, at).catch(() => {})))
  }
}
