/**
 * The fs tier: one file per entry, written atomically (temp file + rename, no fsync: a power loss
 * may lose an entry, and the integrity hash turns a torn file into a miss). Files 0600, dirs 0700.
 * A rewrite moves the entry aside first, and a reader that finds no entry reads the aside
 * (_fs-aside.ts): the old value or the new one, whatever step a writer is at or was killed at.
 *
 * Keys map to file names without collisions or escapes: a lowercase `[a-z0-9._-]` key of up to 100
 * characters (not a Windows device name) is used as it is; other keys are escaped character by
 * character (`+hh` for an ASCII character, `+uhhhh` for any other UTF-16 unit, `+` itself included,
 * so `a/b`, `a:b`, `A:b` and `a_b` stay apart even on a case-insensitive file system) while that
 * stays within 100 characters; longer ones become `~` + their sha256. The three forms never meet
 * (only escaped names hold '+', only hashed ones start with '~'; no name starts with '.', which
 * temp files and markers use), escaping is decoded back to the key without reading the file, and
 * the envelope records the original key, so a read checks it. Common keys (`git:head`,
 * `deps/graph@1`) need no hash, so a warm run never loads node:crypto for them (~2–4 ms).
 *
 * LRU without a write per read: an in-memory index (size, last access) built lazily from one
 * readdir + stat, updated on hits; access times are written back in one batch at close (as mtime),
 * so the next process starts from the right order.
 */
import { crypto } from '../runtime/_builtins.js'
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import { PerfError } from '../errors.js'
import { epochMs, now } from '../runtime/clock.js'
import { asideName, asideOf, readAside, settleAside } from './_fs-aside.js'
import { readEntryFile, writeAtomic } from './_fs-io.js'
import { decodeEntry, encodeEntryParts, readHeader, type EncodeOptions } from './envelope.js'
import { CorruptEntryError, type StoredEntry, type Tier } from './types.js'

const SUFFIX = '.e'
const READABLE = /^[a-z0-9][a-z0-9._-]{0,99}$/
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/
const TMP_MAX_AGE_MS = 60_000
const SWEEP_EVERY_MS = 3_600_000
const SWEPT_MARKER = '.swept'
/** Temp file names: `.<entry>.<pid>.<random of this process>.<counter>.tmp`, unique without a random per write. */
const TMP_TAG = `${process.pid}.${Math.random().toString(36).slice(2, 8)}.`
let tmpCounter = 0

/** An entry's file name (not a temp file, an aside or the sweep marker). */
function isEntryName(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith('.')
}

export function encodeFileName(key: string): string {
  if (READABLE.test(key) && !WINDOWS_RESERVED.test(key)) return key + SUFFIX
  const escaped = escapeKey(key)
  if (escaped !== undefined && !WINDOWS_RESERVED.test(escaped)) return escaped + SUFFIX
  return '~' + crypto().createHash('sha256').update(key).digest('hex') + SUFFIX
}

const MAX_NAME = 100
const HEX = '0123456789abcdef'

/** `[a-z0-9]` and, after the first character, `[._-]` as they are, the rest escaped; undefined past MAX_NAME. */
function escapeKey(key: string): string | undefined {
  if (key.length === 0 || key.length > MAX_NAME) return undefined
  let out = ''
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (i > 0 && (c === 95 || c === 45 || c === 46))) out += key[i]
    else if (c < 128) out += '+' + HEX[c >> 4] + HEX[c & 15]
    else out += '+u' + HEX[c >> 12] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15]
    if (out.length > MAX_NAME) return undefined
  }
  return out
}

/** The key of a readable or escaped file name; undefined for a hashed (`~`) or foreign name. */
export function decodeFileName(name: string): string | undefined {
  if (!name.endsWith(SUFFIX) || name.startsWith('~')) return undefined
  const base = name.slice(0, -SUFFIX.length)
  if (!base.includes('+')) return base
  const key = base.replace(/\+(u[0-9a-f]{4}|[0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex[0] === 'u' ? hex.slice(1) : hex, 16)))
  return encodeFileName(key) === name ? key : undefined
}

export interface IndexEntry { size: number; access: number }

/**
 * Wall-clock ms with sub-ms precision: comparable with file mtimes (also sub-ms). From the runtime
 * clock, not `performance` (its first use loads perf_hooks: ~1.2 ms).
 */
function preciseNow(): number {
  return epochMs(now())
}

export async function ensureDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 })
  // mkdir's mode is filtered by the umask: set it explicitly
  await fsp.chmod(dir, 0o700).catch(() => {})
}

/** Per process: the dirs found safe by a tier's first use (a missing or refused dir is looked at again). */
const safeDirs = new Map<string, Promise<boolean>>()

/**
 * Like ssh with ~/.ssh: a cache dir (or a parent up to the cache root) owned by another user,
 * or writable by group or others, is refused: someone else could plant entries we would trust.
 */
function checkDirSafe(dir: string): Promise<boolean> {
  let check = safeDirs.get(dir)
  if (!check) {
    // sync: once per dir and process, where a thread-pool round trip waited ~0.5 ms behind other work
    check = Promise.resolve().then(() => fs.statSync(dir)).then(st => {
      const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
      const foreign = uid !== undefined && st.uid !== uid
      const open = (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0
      if (foreign || open) {
        throw new PerfError('E_CACHE_DIR_UNSAFE', `refusing the cache dir ${dir}: ${foreign ? `it is owned by uid ${st.uid}, not by this user (uid ${uid})` : `it is writable by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8)})`}; fix it (chown/chmod 700) or set cache.dir`)
      }
      return true
    }, () => false)
    const mine = check
    mine.then(found => { if (!found) safeDirs.delete(dir) }, () => safeDirs.delete(dir))
    safeDirs.set(dir, mine)
  }
  return check
}

export class FsTier implements Tier {
  readonly kind = 'fs'
  readonly remote = false
  private _index: Map<string, IndexEntry> | undefined
  private _indexing: Promise<Map<string, IndexEntry>> | undefined
  private _bytes = 0
  /** file name → last access (ms, sub-ms precision), for the index and the batch written back at close */
  private _touched = new Map<string, number>()
  private _dirReady = false
  /** One mkdir for a burst of first writes (10 000 concurrent sets ran 10 000 mkdir + chmod). */
  private _dirPending: Promise<void> | undefined
  /** Entries this process is rewriting through their aside: a second write of one renames over it. */
  private readonly _writing = new Set<string>()

  private _safe: Promise<void> | undefined
  /** The safety check passed: the hot paths skip awaiting it. */
  private _safeOk = false
  /** `dir` + separator: entry paths by concatenation (names never contain a separator). */
  private readonly _base: string

  constructor(readonly dir: string, private readonly _encode: EncodeOptions) {
    this._base = dir.endsWith(sep) ? dir : dir + sep
  }

  /** The dir and its two parents are safe (checkDirSafe), once per tier. */
  private _checkSafe(): Promise<void> {
    return (this._safe ??= (async () => {
      // the dir, its scope and the cache root: checked at once, each dir once per process (twenty
      // plugin namespaces share their two parents: 22 stats, not 66 one after another)
      const dirs = [this.dir, dirname(this.dir), dirname(dirname(this.dir))]
      await Promise.all(dirs.map(checkDirSafe))
      this._safeOk = true
    })())
  }


  async get(key: string): Promise<StoredEntry | null> {
    if (!this._safeOk) await this._checkSafe()
    const name = encodeFileName(key)
    let data: Buffer
    /** read from an aside left as one (a newer entry took the name meanwhile) */
    let fromAside = false
    const known = this._index?.get(name)
    try {
      data = await readEntryFile(this._base + name, known?.size)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error
      // another process may be rewriting it (its old value aside); looking again is worth more
      // for a key the index knows
      const found = await readAside(this._base + name, this._base + asideName(name), known?.size, known ? 3 : 1)
      if (!found) return null
      data = found.data
      if (found.restored) this._indexed(name, data.length, 0)
      else fromAside = true
    }
    let entry: StoredEntry
    try {
      // the buffer is ours alone: binary values are views of it, not copies
      entry = decodeEntry(data, key, this._encode.integrity, true)
    } catch (error) {
      if (fromAside) await fsp.unlink(this._base + asideName(name)).catch(() => {})
      else await this._remove(name)
      throw error
    }
    const now = preciseNow()
    const idx = this._index?.get(name)
    if (idx) idx.access = now
    this._touched.set(name, now)
    return entry
  }

  async getMany(keys: string[]): Promise<(StoredEntry | null | CorruptEntryError)[]> {
    return Promise.all(keys.map(k => this.get(k).catch(error => {
      if (error instanceof CorruptEntryError) return error
      throw error
    })))
  }

  async set(entry: StoredEntry): Promise<void> {
    if (!this._safeOk) await this._checkSafe()
    const { parts, size } = encodeEntryParts(entry, this._encode)
    const name = encodeFileName(entry.key)
    const file = this._base + name
    const tmp = `${this._base}.${name}.${TMP_TAG}${(tmpCounter++).toString(36)}.tmp`
    if (!this._dirReady) {
      await (this._dirPending ??= ensureDir(this.dir).then(() => { this._dirReady = true }).finally(() => { this._dirPending = undefined }))
    }
    // the entry goes aside first unless the index knows the key is new or this process's other
    // write of it holds the aside
    const aside = this._writing.has(name) || (this._index !== undefined && !this._index.has(name)) ? undefined : this._base + asideName(name)
    if (aside) this._writing.add(name)
    try {
      await writeAtomic(tmp, file, parts, size, aside)
    } catch (error) {
      await fsp.unlink(tmp).catch(() => {})
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      // the cache dir was deleted under us: recreate once
      this._dirReady = false
      await ensureDir(this.dir)
      this._dirReady = true
      try {
        await writeAtomic(tmp, file, parts, size)
      } catch (again) {
        await fsp.unlink(tmp).catch(() => {})
        throw again
      }
    } finally {
      if (aside) this._writing.delete(name)
    }
    if (this._index) {
      const prev = this._index.get(name)
      if (prev) this._bytes -= prev.size
      this._index.set(name, { size, access: preciseNow() })
      this._bytes += size
    }
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    await Promise.all(entries.map(e => this.set(e)))
  }

  async delete(key: string): Promise<boolean> {
    return this._remove(encodeFileName(key))
  }

  async keys(): Promise<string[]> {
    const keys: string[] = []
    for (const name of await this._names()) {
      const decoded = decodeFileName(name)
      if (decoded !== undefined) { keys.push(decoded); continue }
      const header = await this._header(name)
      if (header) keys.push(header.key)
    }
    return keys
  }

  async clear(): Promise<number> {
    const all = await this._list()
    // asides first (a reader would take one for its missing entry); one without its entry is a value too
    const asides = all.filter(n => asideOf(n) !== undefined)
    await Promise.all(asides.map(a => fsp.unlink(join(this.dir, a)).catch(() => {})))
    const names = all.filter(isEntryName)
    await Promise.all(names.map(n => this._remove(n, false)))
    const entries = new Set(names)
    return names.length + asides.filter(a => !entries.has(asideOf(a)!)).length
  }

  async prune(maxBytes: number, now: number) {
    const removed: { key: string; reason: 'expired' | 'lru' | 'corrupt'; size: number }[] = []
    const all = await this._settleAsides(await this._list())
    for (const name of all) {
      const file = join(this.dir, name)
      if (name.endsWith('.tmp')) {
        const st = await fsp.stat(file).catch(() => undefined)
        if (st && now - st.mtimeMs > TMP_MAX_AGE_MS) await fsp.unlink(file).catch(() => {})
        continue
      }
      if (!name.endsWith(SUFFIX)) continue
      const data = await fsp.readFile(file).catch(() => undefined)
      if (!data) continue
      const header = readHeader(data)
      if (!header) {
        await this._remove(name)
        removed.push({ key: name, reason: 'corrupt', size: data.length })
      } else if (header.expiresAt !== null && header.expiresAt + header.staleFor <= now) {
        await this._remove(name)
        removed.push({ key: header.key, reason: 'expired', size: data.length })
      }
    }
    removed.push(...(await this.enforce(maxBytes)))
    return removed
  }

  /**
   * Expired entries that nobody reads again must not pile up (nitro, npm and turbo caches grow
   * forever): at most once per SWEEP_EVERY_MS per namespace dir, across processes (the mtime of a
   * `.swept` marker), the first write of a process runs prune() in the background.
   */
  async sweep(maxBytes: number, now: number) {
    const marker = join(this.dir, SWEPT_MARKER)
    const st = await fsp.stat(marker).catch(() => undefined)
    if (st && now - st.mtimeMs < SWEEP_EVERY_MS) return []
    const at = new Date(now)
    await fsp.writeFile(marker, '', { mode: 0o600 }).then(() => fsp.utimes(marker, at, at)).catch(() => {})
    return this.prune(maxBytes, now)
  }

  async enforce(maxBytes: number) {
    const index = await this._loadIndex()
    const removed: { key: string; reason: 'lru'; size: number }[] = []
    if (this._bytes <= maxBytes) return removed
    const order = [...index.entries()].sort((a, b) => a[1].access - b[1].access)
    for (const [name, info] of order) {
      if (this._bytes <= maxBytes) break
      const header = decodeFileName(name) === undefined ? await this._header(name) : undefined
      await this._remove(name)
      removed.push({ key: header?.key ?? decodeFileName(name) ?? name, reason: 'lru', size: info.size })
    }
    return removed
  }

  /** The LRU index (file name → size, last access), for the cap shared by all namespaces (budget.ts). */
  async accessIndex(): Promise<ReadonlyMap<string, Readonly<IndexEntry>>> {
    return this._loadIndex()
  }

  /** Evicts these files (names from accessIndex()) as LRU evictions. */
  async evictNames(names: string[]) {
    const removed: { key: string; reason: 'lru'; size: number }[] = []
    for (const name of names) {
      const size = this._index?.get(name)?.size ?? 0
      const header = decodeFileName(name) === undefined ? await this._header(name) : undefined
      if (await this._remove(name)) removed.push({ key: header?.key ?? decodeFileName(name) ?? name, reason: 'lru', size })
    }
    return removed
  }

  async verify() {
    const corrupt: string[] = []
    const names = (await this._settleAsides(await this._list())).filter(isEntryName)
    for (const name of names) {
      const data = await fsp.readFile(join(this.dir, name)).catch(() => undefined)
      if (!data) continue
      try {
        const header = readHeader(data)
        decodeEntry(data, header?.key, true)
        if (header && encodeFileName(header.key) !== name) throw new Error('entry stored under a foreign name')
      } catch {
        corrupt.push(name)
        await this._remove(name)
      }
    }
    return { checked: names.length, corrupt }
  }

  async stats() {
    const index = await this._loadIndex()
    return { entries: index.size, bytes: this._bytes }
  }

  async close(): Promise<void> {
    // one batch of access-time updates (as mtime: the last write or hit; expiry lives in the
    // envelope), so the next process's LRU order starts right
    const now = new Date()
    const touched = [...this._touched.keys()]
    this._touched.clear()
    await Promise.all(touched.map(async name => {
      const file = join(this.dir, name)
      const st = await fsp.stat(file).catch(() => undefined)
      if (st) await fsp.utimes(file, now, now).catch(() => {})
    }))
  }

  // --- internal ---

  private async _list(): Promise<string[]> {
    try {
      return await fsp.readdir(this.dir)
    } catch {
      return []
    }
  }

  private async _names(): Promise<string[]> {
    return (await this._list()).filter(isEntryName)
  }

  /** Leftover asides put back under their entries' names (when free) and removed: the listing without them, with the entries that came back. */
  private async _settleAsides(all: string[]): Promise<string[]> {
    const out: string[] = []
    for (const file of all) {
      const name = asideOf(file)
      if (name === undefined) { out.push(file); continue }
      if (!isEntryName(name) || !(await settleAside(join(this.dir, file), join(this.dir, name)))) continue
      const st = await fsp.stat(join(this.dir, name)).catch(() => undefined)
      if (st) this._indexed(name, st.size, st.mtimeMs)
      out.push(name)
    }
    return out
  }

  /** An entry that came back from its aside: into the index, if built. */
  private _indexed(name: string, size: number, access: number): void {
    if (!this._index || this._index.has(name)) return
    this._index.set(name, { size, access })
    this._bytes += size
  }

  private async _header(name: string) {
    const data = await fsp.readFile(join(this.dir, name)).catch(() => undefined)
    return data ? readHeader(data) : undefined
  }

  /** `aside`: its aside first (else a reader would take it for the missing entry). */
  private async _remove(name: string, aside = true): Promise<boolean> {
    const asideGone = aside && await fsp.unlink(join(this.dir, asideName(name))).then(() => true, () => false)
    try {
      await fsp.unlink(join(this.dir, name))
    } catch {
      return asideGone
    } finally {
      const idx = this._index?.get(name)
      if (idx) { this._bytes -= idx.size; this._index!.delete(name) }
    }
    return true
  }

  private _loadIndex(): Promise<Map<string, IndexEntry>> {
    if (this._index) return Promise.resolve(this._index)
    return (this._indexing ??= (async () => {
      const index = new Map<string, IndexEntry>()
      let bytes = 0
      for (const name of await this._names()) {
        const st = await fsp.stat(join(this.dir, name)).catch(() => undefined)
        if (!st) continue
        // hits of this process before the index existed count too (no write per read)
        // not atime: our own scans (prune, verify, keys) read files and relatime would count them
        index.set(name, { size: st.size, access: Math.max(st.mtimeMs, this._touched.get(name) ?? 0) })
        bytes += st.size
      }
      this._index = index
      this._bytes = bytes
      return index
    })())
  }
}
