/**
 * The fs tier's LRU bookkeeping, without a write per read: an in-memory index of its dir (file
 * name → size, last access) built lazily from one readdir + stat, kept up to date by the tier's own
 * hits, writes and removals, and the access times of this process's hits written back once, at
 * close (as mtime: the last write or hit; expiry lives in the envelope), so the next process starts
 * from the right order.
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { epochMs, now } from '../runtime/clock.js'
import { SUFFIX } from './fs-names.js'

export interface IndexEntry { size: number; access: number }

/**
 * Metadata calls on up to this many files are made sync (the access times at close, the stats of
 * a small dir), more through the thread pool.
 */
const SYNC_MAX = 64

/** How far a file's mtime (the kernel's coarse clock) may run ahead of this process's clock for the same event. */
const MTIME_SLACK_MS = 10

/** An entry's file name (not a temp file, an aside or the sweep marker). */
export function isEntryName(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith('.')
}

/**
 * Wall-clock ms with sub-ms precision: comparable with file mtimes (also sub-ms). From the runtime
 * clock, not `performance` (its first use loads perf_hooks: ~1.2 ms).
 */
export function preciseNow(): number {
  return epochMs(now())
}

export class FsLru {
  private _index: Map<string, IndexEntry> | undefined
  private _loading: Promise<Map<string, IndexEntry>> | undefined
  /** Bytes of the indexed entries (meaningful once loaded). */
  bytes = 0
  /** file name → last access (ms, sub-ms precision) of this process's hits, written back at close */
  private readonly _touched = new Map<string, number>()
  /**
   * file name → write time of this process's writes made before the index loaded. The index then
   * takes these, not the files' mtimes: the kernel stamps a file from its coarse clock (a tick,
   * 1–4 ms, behind), so an entry written a moment before another could look newer than it.
   */
  private readonly _writtenBeforeLoad = new Map<string, number>()

  /** `base`: the dir with its separator (entry paths by concatenation). */
  constructor(private readonly _dir: string, private readonly _base: string) {}

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
  }

  /** An entry gone from the dir: out of the index and its bytes. */
  forget(name: string): void {
    this._writtenBeforeLoad.delete(name)
    const idx = this._index?.get(name)
    if (idx) { this.bytes -= idx.size; this._index!.delete(name) }
  }

  /** The index, built on first use from the dir (hits of this process before then count too). */
  load(): Promise<Map<string, IndexEntry>> {
    if (this._index) return Promise.resolve(this._index)
    return (this._loading ??= (async () => {
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
        const ours = Math.max(this._touched.get(name) ?? 0, this._writtenBeforeLoad.get(name) ?? 0)
        index.set(name, { size: st.size, access: st.mtimeMs > ours + MTIME_SLACK_MS ? st.mtimeMs : ours })
        bytes += st.size
      }
      this._index = index
      this._writtenBeforeLoad.clear()
      this.bytes = bytes
      return index
    })())
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
