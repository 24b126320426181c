/**
 * The redis tier (ioredis 5, imported on first use). Keys: `unperf:<name>:<scope>:<namespace>:<key>`
 * (or `<base>:` before it; wrap()'s locks `[<base>:]lock:unperf:…`, see lockKey). Values are the same envelope as on fs; Redis expires them itself
 * (PX = ttl + stale window). getMany is one MGET (and an EXISTS in the same write), setMany one
 * pipeline. Commands issued while (re)connecting wait in ioredis' offline queue; the cache layer
 * bounds every call with `cache.timeout` (TierGuard), and the idle socket is unref'd so it never
 * keeps a CLI alive. The operations over every stored key (keys, clear, verify, stats): redis-keys.ts;
 * the large values' sizes and the server's limit for one value: redis-large-values.ts.
 */
import { decodeEntry, encodeEntry, type EncodeOptions } from './envelope.js'
import { redisKey, type RedisKey } from './redis-key.js'
import { CorruptEntryError, type KeysOptions, type StoredEntry, type Tier } from './types.js'
import type { PerfError } from '../errors.js'
import { redisHealth, type RedisHealth } from './redis-health.js'
import { clearKeys, keyStats, liveKeys, ofAnotherType, verifyKeys } from './redis-keys.js'
import { scopeUpkeep, type GuardedCall, type RedisScope } from './redis-scopes.js'
import { checkFits, LargeValues } from './redis-large-values.js'
import { acquireRedis, batchWrites, BULK_MIN, bytesReadOf, connectionCause, connectionId, noteTransfer, setCommand, transferUntilOf, type RedisClient, type RedisSpec } from './redis-connection.js'

/**
 * The longest PX given to Redis: it parses PX as a signed 64-bit integer and adds its clock (a PX
 * above ~9.2e18 ms, or one String() writes with an exponent, fails); MAX_SAFE_INTEGER (~285 000
 * years) is exact in both and far below that.
 */
const MAX_PX = Number.MAX_SAFE_INTEGER

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE')
}

export class RedisTier implements Tier {
  readonly kind = 'redis'
  readonly remote = true
  private readonly _release: () => Promise<void>
  private readonly _client: Promise<RedisClient>
  /** The client once connected: get/set use it without awaiting a promise. */
  private _ready: RedisClient | undefined

  /** Shared with every user of this connection in the process (and, through the cache dir, of the machine). */
  readonly health: RedisHealth

  private readonly _connection: string
  /** wrap()'s locks: `lock:` before the entries' prefix, after the base (see lockKey). */
  private readonly _lockPrefix: string

  constructor(spec: RedisSpec, private readonly _prefix: string, private readonly _encode: EncodeOptions, timeoutMs: number, stateDir?: string, private readonly _scope?: RedisScope) {
    this._connection = connectionId(spec)
    const base = spec.base ? `${spec.base}:` : ''
    this._lockPrefix = `${base}lock:${_prefix.slice(base.length)}`
    this.health = redisHealth(this._connection, stateDir)
    const { client, release } = acquireRedis(spec, timeoutMs)
    this._client = client
    this._release = release
    client.then(c => { this._ready = c }, () => {})
  }

  client(): Promise<RedisClient> {
    return this._client
  }

  /** ioredis imported and the client made; connecting goes on in the background. */
  loaded(): Promise<unknown> {
    return this._client
  }

  /** The connection's own error for ioredis' generic one (see connectionCause). */
  explain(error: unknown): unknown {
    return connectionCause(this._ready, error)
  }

  /**
   * Marks this process's scope used on this Redis and, once a day for all its users, removes the
   * scopes unused for `cache.scopeMaxAge` (redis-scopes.ts). `call`: the tier's guard. Never throws.
   */
  scopeUpkeep(call: GuardedCall): Promise<string[]> {
    return this._scope ? scopeUpkeep(this._client, this._connection, this._scope, call) : Promise.resolve([])
  }

  /** Bytes received on the connection (a large reply still arriving is no timeout: call-deadlines.ts). */
  bytesRead(): number {
    return bytesReadOf(this._ready)
  }

  /** Until when the connection is busy moving the large values in flight (call-deadlines.ts). */
  transferUntil(): number {
    return transferUntilOf(this._ready)
  }

  /** This namespace's large values as this process last wrote or read them: a read of one is given the time it takes. */
  private readonly _large = new LargeValues()

  /** The connection is made (AUTH, SELECT and the ready check answered). */
  connected(): boolean {
    return this._ready?.status === 'ready'
  }

  /** Whether a connection marked down is back (TierGuard's probe): one PING. */
  async probe(): Promise<unknown> {
    const c = this._ready ?? (await this._client)
    return c.ping()
  }

  /** The entry's Redis name (redis-key.ts: a key with a lone surrogate as WTF-8 bytes). */
  private _k(key: string): RedisKey {
    return redisKey(this._prefix, key)
  }

  /**
   * The single-flight lock of a key: scoped like the entries, outside their prefix (keys() never lists
   * it), inside the tier's base (`<base>:lock:unperf:…`): an ACL user limited to `~<base>:*` takes it
   * (`lock:<base>:…` was refused, NOPERM, and every process ran fn). Named as its entry is
   * (redis-key.ts): a key with a lone surrogate as WTF-8 bytes, so `'\ud800'` and `'\ufffd'` no
   * longer share one lock.
   */
  lockKey(key: string): RedisKey {
    return redisKey(this._lockPrefix, key)
  }

  async get(key: string): Promise<StoredEntry | null> {
    const c = this._ready ?? (await this._client)
    batchWrites(c)
    let data: Buffer | null
    const large = this._large.sizeOf(key)
    const moving = large === undefined ? undefined : noteTransfer(c, large)
    try {
      data = await c.getBuffer(this._k(key))
    } catch (error) {
      // a key of another type (a hash, a list) under our prefix is a corrupt entry, not a tier failure:
      // a reply error would mark the whole tier down on every read of it
      if (!isWrongType(error)) throw error
      throw await this._wrongType(c, key)
    } finally {
      moving?.()
    }
    if (data === null) {
      // gone (expired, deleted elsewhere): no allowance kept for it
      if (large !== undefined) this._large.forget(key)
      return null
    }
    if (large !== undefined || data.length >= BULK_MIN) this._large.seen(key, data.length)
    try {
      return decodeEntry(data, key, this._encode.integrity)
    } catch (error) {
      await c.del(this._k(key)).catch(() => 0)
      throw error
    }
  }

  async getMany(keys: string[]): Promise<(StoredEntry | null | CorruptEntryError)[]> {
    if (keys.length === 0) return []
    const c = this._ready ?? (await this._client)
    const full = keys.map(k => this._k(k))
    // MGET answers nil for a key of another type (a hash, a list) as for a missing one; EXISTS, sent
    // in the same write, counts it: only a batch with such a key pays a second round trip (TYPE)
    batchWrites(c, true)
    const large = this._large.totalOf(keys)
    const moving = large === 0 ? undefined : noteTransfer(c, large)
    let values: (Buffer | null)[], existing: number
    try {
      [values, existing] = await Promise.all([c.mgetBuffer(...full), c.exists(...full)])
    } finally {
      moving?.()
    }
    let found = 0
    const out = values.map((data, i): StoredEntry | null | CorruptEntryError => {
      if (data === null) return null
      found++
      if (data.length >= BULK_MIN || large !== 0) this._large.seen(keys[i]!, data.length)
      try {
        return decodeEntry(data, keys[i], this._encode.integrity)
      } catch (error) {
        c.del(full[i]!).catch(() => 0)
        return error as CorruptEntryError
      }
    })
    // EXISTS counted a key MGET had no value for: one of the nils is of another type (or was
    // written between the two commands, then TYPE finds a string and it stays a miss)
    if (existing > found) {
      const wrong = new Set(await ofAnotherType(c, this._prefix, keys.filter((_, i) => values[i] === null)))
      await Promise.all(keys.map(async (k, i) => { if (values[i] === null && wrong.has(k)) out[i] = await this._wrongType(c, k) }))
    }
    return out
  }

  async set(entry: StoredEntry): Promise<void> {
    const c = this._ready ?? (await this._client)
    let data: Buffer
    try {
      data = encodeEntry(entry, this._encode)
    } catch (error) {
      // a value this tier cannot store (json-loss.ts): the key's previous value goes, as for an entry too large
      await c.del(this._k(entry.key))
      throw error
    }
    const px = this._px(entry)
    if (data.length >= BULK_MIN) await checkFits(c, [[entry.key, data]])
    batchWrites(c)
    // already past its stale window: nothing to keep
    const name = this._k(entry.key)
    if (px !== undefined && px <= 0) {
      this._large.forget(entry.key)
      return void await c.del(name)
    }
    // a large value keeps the connection busy until Redis has it (call-deadlines.ts)
    this._large.seen(entry.key, data.length)
    const sent = data.length >= BULK_MIN ? noteTransfer(c, data.length) : undefined
    try {
      if (typeof name !== 'string') await (px === undefined ? c.set(name, data) : c.set(name, data, 'PX', px))
      else await c.sendCommand(new (setCommand())(name, data, px))
    } finally {
      sent?.()
    }
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    if (entries.length === 0) return
    const c = await this._client
    const pipe = c.pipeline()
    // a value that cannot be stored (json-loss.ts) is that entry's failure alone: the others are written
    let unstorable: unknown
    const encoded = entries.map(e => {
      try { return [e.key, encodeEntry(e, this._encode)] as [string, Buffer] } catch (error) { unstorable ??= error; return [e.key, undefined] as const }
    })
    // the others are written; the error names those that are not
    const tooLarge = await checkFits(c, encoded.filter((e): e is [string, Buffer] => e[1] !== undefined && e[1].length >= BULK_MIN)).then(() => undefined, (error: unknown) => error as PerfError & { keys: string[] })
    let large = 0
    entries.forEach((e, i) => {
      const px = this._px(e)
      const data = encoded[i]![1]
      if (data === undefined) pipe.del(this._k(e.key))
      if (data === undefined || tooLarge?.keys.includes(e.key)) return
      if (px !== undefined && px <= 0) return void pipe.del(this._k(e.key))
      if (px === undefined) pipe.set(this._k(e.key), data)
      else pipe.set(this._k(e.key), data, 'PX', px)
      if (data.length >= BULK_MIN) large += data.length
      this._large.seen(e.key, data.length)
    })
    const sent = large > 0 ? noteTransfer(c, large) : undefined
    try {
      await pipe.exec()
    } finally {
      sent?.()
    }
    if (tooLarge) throw tooLarge
    if (unstorable !== undefined) throw unstorable
  }

  async delete(key: string): Promise<boolean> {
    const c = await this._client
    this._large.forget(key)
    return (await c.del(this._k(key))) > 0
  }

  /** The keys of the live entries, as get() finds them (redis-keys.ts). */
  async keys(options?: KeysOptions): Promise<string[]> {
    return liveKeys(await this._client, this._prefix, options)
  }

  async clear(): Promise<number> {
    this._large.clear()
    return clearKeys(await this._client, this._prefix)
  }

  async prune() {
    // Redis expires entries itself (PX) and evicts by its own maxmemory policy.
    return []
  }

  async verify(): Promise<{ checked: number; corrupt: string[] }> {
    return verifyKeys(await this._client, this._prefix)
  }

  async stats(): Promise<{ entries: number; bytes: number }> {
    return keyStats(await this._client, this._prefix)
  }

  async close(): Promise<void> {
    await this._release()
  }

  /**
   * A key of another type (a hash, a list) under the prefix is a corrupt entry, not a tier failure
   * (its WRONGTYPE reply would mark the whole tier down on every read of it): removed, and the
   * error get and getMany report it with.
   */
  private async _wrongType(c: RedisClient, key: string): Promise<CorruptEntryError> {
    await c.del(this._k(key)).catch(() => 0)
    return new CorruptEntryError(key, 'not a string value')
  }

  /**
   * The entry's PX: its ttl + stale window from now; none past MAX_PX, which Redis refuses (a SET
   * with it fails and took the tier down): the envelope's expiry still applies on read.
   */
  private _px(entry: StoredEntry): number | undefined {
    if (entry.expiresAt === null) return undefined
    const px = Math.ceil(entry.expiresAt + entry.staleFor - Date.now())
    return px > MAX_PX ? undefined : px
  }
}
