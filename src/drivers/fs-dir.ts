/**
 * The fs tier's dir and its files, for the tier (fs.ts) and its scans (fs-prune.ts): the dir made
 * (0700), the listing, an entry's key from its file, the live entries' keys, leftover asides settled
 * (_fs-aside.ts), an entry removed with its aside, and every one (clear). What changes the dir keeps
 * the LRU index (fs-lru.ts) in step.
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { asideName, asideOf, settleAside } from './_fs-aside.js'
import { readEntryFileAsync, readFileHead, removeNonFile } from './_fs-read.js'
import { readHeader } from './envelope.js'
import { isEntryName, lastAccess, type FsLru } from './fs-lru.js'
import { decodeFileName, encodeFileName } from './fs-names.js'
import { isListed, type KeysOptions } from './types.js'
import { makeDirSync } from '../runtime/make-dir.js'

/** The dir (and its parents), 0700. Sync: two metadata calls when it is there, once per tier (and after the dir was deleted under it). */
export function ensureDir(dir: string): void {
  makeDirSync(dir, 0o700)
  // mkdir's mode is filtered by the umask: set it explicitly
  try { fs.chmodSync(dir, 0o700) } catch { /* not ours to change: checkDirSafe decides */ }
}

/**
 * Bytes read for an entry's header (keys()): the fixed header and a key of up to ~1 000 characters
 * (every readable or escaped name's key: at most 100), from Node's buffer pool. A longer key: the
 * whole file.
 */
const HEAD_READ = 2048

/** Entry headers keys() reads at once (sync while the turn's budget lasts, then overlapping in the thread pool). */
const KEYS_BATCH = 64

export class FsDir {
  /**
   * Entries this process is writing (name → its writes in flight, fs-write.ts): never an eviction's
   * victim (fs-size-limit.ts). Renamed into place and not yet counted in the index, a listing
   * meanwhile found the file with the kernel's coarse mtime, older than the entries written just
   * before it: the LRU victim of another write of the same burst, the write told it was stored.
   */
  readonly writing = new Map<string, number>()

  /**
   * `base`: `dir` + separator (entry paths by concatenation: names never contain a separator).
   * `lru`: the dir's LRU index, which removals keep in step.
   */
  constructor(readonly dir: string, readonly base: string, readonly lru: FsLru) {}

  /**
   * The dir's file names; none when it is not there (yet). A dir this user may not read (or reach)
   * throws: listed as empty, `unperf cache list`/`info` run as the wrong user (sudo, another CI
   * user) said `no entries`, exit 0, of a cache full of them (the tier's failure is warned instead).
   */
  async list(): Promise<string[]> {
    try {
      return await fsp.readdir(this.dir)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES' || code === 'EPERM') throw error
      return []
    }
  }

  /**
   * Throws when this user may not read (or reach) the dir, as list() does: the size index counts such
   * a dir as empty (fs-lru.ts), so `unperf cache info` said 0 entries, exit 0. A missing dir passes.
   */
  checkReadable(): void {
    try {
      fs.accessSync(this.dir, fs.constants.R_OK | fs.constants.X_OK)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES' || code === 'EPERM') throw error
    }
  }

  async names(): Promise<string[]> {
    return (await this.list()).filter(isEntryName)
  }

  /** Leftover asides put back under their entries' names (when free) and removed: the listing without them, with the entries that came back. */
  async settleAsides(all: string[]): Promise<string[]> {
    const out: string[] = []
    for (const file of all) {
      const name = asideOf(file)
      if (name === undefined) { out.push(file); continue }
      if (!isEntryName(name) || !(await settleAside(join(this.dir, file), join(this.dir, name)))) {
        removeNonFile(join(this.dir, file))
        continue
      }
      const st = await fsp.stat(join(this.dir, name)).catch(() => undefined)
      if (st) this.lru.found(name, st.size, lastAccess(st.mtimeMs))
      out.push(name)
    }
    return out
  }

  /** An entry's key: decoded from a readable or escaped name, else read from a hashed one's envelope. */
  async keyOf(name: string): Promise<string | undefined> {
    return decodeFileName(name) ?? (await this._header(name))?.key
  }

  /**
   * An entry's header (key, expiry, stale window) from the first bytes of its file, without its
   * payload; undefined when the file is gone or is no entry (a corrupt header, a directory).
   */
  async header(name: string) {
    const head = await readFileHead(this.base + name, HEAD_READ).catch(() => undefined)
    if (head === undefined) return undefined
    return readHeader(head) ?? (head.length === HEAD_READ ? this._header(name) : undefined)
  }

  /**
   * The keys of the live entries: each entry's header read (its first bytes, not the payload) for
   * its expiry and stale window, 64 files at a time. An entry under a name that is not its key's
   * (stored by an earlier build), or without the place tag `tagOf` gives its key (when it gives one),
   * is left out: get() of its key would not find it. `expired`: every entry, readable and escaped
   * names decoded without reading the file.
   */
  async keys(options: KeysOptions | undefined, tagOf: (key: string) => number | undefined): Promise<string[]> {
    const match = options?.match
    // a readable file name is its key: one that cannot match needs no read (a hashed one is read)
    const listed = await this.names()
    const names = match ? listed.filter(name => { const key = decodeFileName(name); return key === undefined || match(key) }) : listed
    const keys: string[] = []
    if (options?.expired) {
      for (const name of names) {
        const key = await this.keyOf(name)
        if (key !== undefined) keys.push(key)
      }
      return keys
    }
    const now = Date.now()
    for (let i = 0; i < names.length; i += KEYS_BATCH) {
      const batch = names.slice(i, i + KEYS_BATCH)
      const headers = await Promise.all(batch.map(name => this.header(name)))
      headers.forEach((h, j) => {
        if (h === undefined || !isListed(h, now, options) || encodeFileName(h.key) !== batch[j]) return
        const tag = tagOf(h.key)
        if (tag === undefined || h.tag === tag) keys.push(h.key)
      })
    }
    return keys
  }

  /** Every entry and aside removed: how many values went (an aside without its entry is a value too). */
  async clear(): Promise<number> {
    const all = await this.list()
    // asides first (a reader would take one for its missing entry)
    const asides = all.filter(n => asideOf(n) !== undefined)
    await Promise.all(asides.map(a => fsp.unlink(join(this.dir, a)).catch(() => {})))
    const names = all.filter(isEntryName)
    await Promise.all(names.map(n => this.remove(n, false)))
    const entries = new Set(names)
    return names.length + asides.filter(a => !entries.has(asideOf(a)!)).length
  }

  /** remove() with sync unlinks, for lone removals (delete(), a corrupt entry found by get()); bulk ones go through the pool. */
  removeSync(name: string): boolean {
    let asideGone = true
    try { fs.unlinkSync(this.base + asideName(name)) } catch { asideGone = false }
    try {
      fs.unlinkSync(this.base + name)
    } catch {
      return asideGone
    } finally {
      this.lru.forget(name)
    }
    return true
  }

  /** `aside`: its aside first (else a reader would take it for the missing entry). */
  async remove(name: string, aside = true): Promise<boolean> {
    const asideGone = aside && await fsp.unlink(join(this.dir, asideName(name))).then(() => true, () => false)
    try {
      await fsp.unlink(join(this.dir, name))
    } catch {
      return asideGone
    } finally {
      this.lru.forget(name)
    }
    return true
  }

  private async _header(name: string) {
    const data = await readEntryFileAsync(this.base + name).catch(() => undefined)
    return data ? readHeader(data) : undefined
  }
}
