/**
 * Any unstorage driver as a tier: `{ driver: 'lru-cache', ...options }` (imported from
 * `unstorage/drivers/<name>` on first use) or a Driver instance. Entries are the same envelope,
 * base64-encoded (drivers store strings), under `<prefix>:<file-safe key>`.
 */
import type { Driver } from 'unstorage'
import { MissingDependencyError, PerfError } from '../errors.js'
import { decodeEntry, encodeEntry, readHeader, type EncodeOptions } from './envelope.js'
import { encodeFileName } from './fs.js'
import { CorruptEntryError, isListed, isLive, type KeysOptions, type StoredEntry, type Tier } from './types.js'

export async function loadUnstorageDriver(name: string, options: Record<string, unknown>): Promise<Driver> {
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)?$/.test(name)) throw new PerfError('E_DRIVER', `unknown cache driver '${name}'`)
  let factory: (o: Record<string, unknown>) => Driver
  try {
    factory = ((await import(`unstorage/drivers/${name}`)) as { default: typeof factory }).default
  } catch (error) {
    throw await driverImportError(name, error)
  }
  return factory(options)
}

/**
 * Why the unstorage driver `name` would not load (`unperf doctor`), or undefined when it loads: its
 * module imported, its factory not called (a driver's client is made by it, and may connect).
 */
export async function unstorageDriverProblem(name: string): Promise<Error | undefined> {
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)?$/.test(name)) return new PerfError('E_DRIVER', `unknown cache driver '${name}'`)
  try {
    await import(`unstorage/drivers/${name}`)
    return undefined
  } catch (error) {
    return driverImportError(name, error)
  }
}

/**
 * Why `unstorage/drivers/<name>` did not load, as the user can act on it: unstorage has no driver of
 * that name (a typo: the kebab-case names it ships, closest first), or the package the driver
 * imports is not installed (`mongodb` for 'mongodb': `npm i mongodb`), else the driver's own error.
 * It said `needs the package 'unstorage/drivers/<name> (and its peer dependency)': install it
 * (npm i unstorage/drivers/<name> ...)` for both, a command npm reads as a GitHub repository.
 */
async function driverImportError(name: string, error: unknown): Promise<Error> {
  const message = error instanceof Error ? error.message : String(error)
  const [missing = '', importer = ''] = message.split(' imported from ')
  // node: Cannot find module '/…/unstorage/drivers/x.mjs'; vite's resolver: Cannot find package 'unstorage/drivers/x'
  if (missing.startsWith('Cannot find ') && missing.replaceAll('\\', '/').includes(`unstorage/drivers/${name}`)) {
    const { builtinDrivers } = await import('unstorage')
    const names = Object.keys(builtinDrivers).filter(n => /^[a-z0-9-]+$/.test(n))
    const { didYouMean } = await import('../config/did-you-mean.js')
    return new PerfError('E_DRIVER', `unknown cache driver '${name}': unstorage has no driver of that name${didYouMean(name, names)} (its drivers: ${names.join(', ')}; a driver of your own goes in cache.driver as an instance)`, { cause: error })
  }
  const peer = /^Cannot find package '([^']+)'/.exec(missing)
  if (peer && /unstorage\/drivers\//.test(importer.replaceAll('\\', '/'))) return new MissingDependencyError(peer[1]!, `cache.driver '${name}'`, error)
  return new PerfError('E_DRIVER', `cache.driver '${name}': unstorage's driver failed to load: ${message}`, { cause: error })
}

export class UnstorageTier implements Tier {
  readonly remote: boolean
  /**
   * `legacyPrefix`: where builds before the namespace segment escaped uppercase letters, `.` and `*`
   * (storageSegment) kept this namespace's entries (`UserData`, now `%55ser%44ata`). get() does not
   * look there (a miss until then); keys(), stats(), verify() and prune() (`unperf cache
   * list|info|verify|prune`) first move them under the current segment (adoptLegacy), so what they
   * show is what get() reads; clear() removes them.
   */
  constructor(readonly kind: string, private readonly _driver: Promise<Driver>, private readonly _prefix: string, private readonly _encode: EncodeOptions, remote = true, private readonly _legacyPrefix?: string) {
    this.remote = remote
  }

  private _k(key: string) {
    return `${this._prefix}:${encodeFileName(key)}`
  }

  async get(key: string): Promise<StoredEntry | null> {
    const d = await this._driver
    const raw = await d.getItem(this._k(key))
    if (raw === null || raw === undefined) return null
    try {
      return decodeEntry(Buffer.from(String(raw), 'base64'), key, this._encode.integrity)
    } catch (error) {
      await d.removeItem?.(this._k(key), {})
      throw error
    }
  }

  /** Whether a remote driver marked down is back (TierGuard's probe): one hasItem, of a key no entry has. */
  async probe(): Promise<unknown> {
    const d = await this._driver
    return d.hasItem(`${this._prefix}:.probe`, {})
  }

  async getMany(keys: string[]) {
    return Promise.all(keys.map(k => this.get(k).catch((e: unknown) => {
      if (e instanceof CorruptEntryError) return e
      throw e
    })))
  }

  async set(entry: StoredEntry): Promise<void> {
    const d = await this._driver
    if (!d.setItem) throw new PerfError('E_DRIVER', `the '${this.kind}' driver is read-only`)
    const ttlSeconds = entry.expiresAt === null ? undefined : Math.max(1, Math.ceil((entry.expiresAt + entry.staleFor - Date.now()) / 1000))
    let data: string
    try {
      const bytes = encodeEntry(entry, this._encode)
      entry.size = bytes.length
      data = bytes.toString('base64')
    } catch (error) {
      // a value this tier cannot store (json-loss.ts): the key's previous value goes
      await d.removeItem?.(this._k(entry.key), {})
      throw error
    }
    await d.setItem(this._k(entry.key), data, ttlSeconds === undefined ? {} : { ttl: ttlSeconds })
  }

  async setMany(entries: StoredEntry[]) {
    await Promise.all(entries.map(e => this.set(e)))
  }

  async delete(key: string) {
    const d = await this._driver
    const had = await d.hasItem(this._k(key), {})
    await d.removeItem?.(this._k(key), {})
    return Boolean(had)
  }

  private async _storageKeys(prefix = this._prefix): Promise<string[]> {
    const d = await this._driver
    const all = await d.getKeys(prefix, {})
    // raw drivers return their own separators (fs-lite: 'a/b'); unstorage's storage layer would
    // normalize them to ':', so do the same here
    const out: string[] = []
    for (const k of all) {
      const n = k.replace(/[/\\]/g, ':')
      if (n.startsWith(`${prefix}:`)) out.push(n)
    }
    return out
  }

  /** The storage keys under this tier's prefix, without it (what `unperf:<name>:<scope>` holds: `<namespace>:<entry>`). */
  async storedKeys(): Promise<string[]> {
    return (await this._storageKeys()).map(k => k.slice(this._prefix.length + 1))
  }

  /** Each entry's header is read (its key; its expiry: drivers that ignore ttl keep expired entries). */
  async keys(options?: KeysOptions) {
    await this._adoptLegacy()
    const d = await this._driver
    const out: string[] = []
    const now = Date.now()
    for (const sk of await this._storageKeys()) {
      const raw = await d.getItem(sk)
      const header = raw == null ? undefined : readHeader(Buffer.from(String(raw), 'base64'))
      if (header && (options?.expired || isListed(header, now, options))) out.push(header.key)
    }
    return out
  }

  async clear() {
    const d = await this._driver
    const keys = await this._storageKeys()
    const legacy = await this._legacyKeys()
    await Promise.all([...keys, ...legacy].map(k => d.removeItem?.(k, {})))
    return keys.length + legacy.length
  }

  /** Entries an earlier build stored under this namespace's old segment (none when it is the same). */
  private async _legacyKeys(): Promise<string[]> {
    return this._legacyPrefix ? this._storageKeys(this._legacyPrefix).catch(() => []) : []
  }

  /** Set by the first adoptLegacy() of this tier (a process adopts once; an earlier build's entries do not come back). */
  private _adopted: Promise<void> | undefined

  /**
   * An earlier build's entries of this namespace (see the constructor) moved under the current
   * segment, with what is left of their ttl; an entry the namespace holds under both keeps the
   * current one. Once per tier; a failure is the calling operation's (tried again by the next).
   */
  private _adoptLegacy(): Promise<void> {
    if (!this._legacyPrefix) return Promise.resolve()
    const adopting = this._adopted ??= (async () => {
      const legacy = await this._storageKeys(this._legacyPrefix)
      if (legacy.length === 0) return
      const d = await this._driver
      for (const sk of legacy) {
        const target = `${this._prefix}${sk.slice(this._legacyPrefix!.length)}`
        const raw = await d.getItem(sk)
        if (raw != null && d.setItem && !(await d.hasItem(target, {}))) {
          const header = readHeader(Buffer.from(String(raw), 'base64'))
          const until = header && header.expiresAt !== null ? header.expiresAt + header.staleFor : undefined
          // already expired: nothing to keep (removed below)
          if (until === undefined || until > Date.now()) {
            await d.setItem(target, String(raw), until === undefined ? {} : { ttl: Math.max(1, Math.ceil((until - Date.now()) / 1000)) })
          }
        }
        await d.removeItem?.(sk, {})
      }
    })()
    adopting.catch(() => { if (this._adopted === adopting) this._adopted = undefined })
    return adopting
  }

  async prune(_maxBytes: number, now: number, staleFor = 0) {
    await this._adoptLegacy()
    const d = await this._driver
    const removed: { key: string; reason: 'expired' | 'corrupt'; size: number }[] = []
    for (const sk of await this._storageKeys()) {
      const raw = await d.getItem(sk)
      if (raw == null) continue
      const buf = Buffer.from(String(raw), 'base64')
      const header = readHeader(buf)
      if (!header || !isLive(header, now, staleFor)) {
        await d.removeItem?.(sk, {})
        removed.push({ key: header?.key ?? sk, reason: header ? 'expired' : 'corrupt', size: buf.length })
      }
    }
    return removed
  }

  async verify() {
    await this._adoptLegacy()
    const d = await this._driver
    const corrupt: string[] = []
    const keys = await this._storageKeys()
    for (const sk of keys) {
      const raw = await d.getItem(sk)
      if (raw == null) continue
      try { decodeEntry(Buffer.from(String(raw), 'base64'), undefined, true) } catch { corrupt.push(sk); await d.removeItem?.(sk, {}) }
    }
    return { checked: keys.length, corrupt }
  }

  async stats() {
    await this._adoptLegacy()
    const keys = await this._storageKeys()
    return { entries: keys.length, bytes: 0 }
  }

  /** The unstorage driver's module loaded and the driver made. */
  loaded(): Promise<unknown> {
    return this._driver
  }

  async close() {
    const d = await this._driver.catch(() => undefined)
    await d?.dispose?.()
  }
}
