/**
 * The redis tier (ioredis 5, imported on first use). Keys: `unperf:<name>:<scope>:<namespace>:<key>`
 * (or `<base>:` before it; wrap()'s locks `[<base>:]lock:unperf:…`, see lockKey; tiers.ts builds
 * both prefixes). Values are the same envelope as on fs; Redis expires them itself (PX = ttl +
 * stale window). getMany is one MGET (and an EXISTS in the same write); the writes (set, setMany as
 * one pipeline): redis-write.ts. Commands issued while (re)connecting wait in ioredis' offline
 * queue; the cache layer bounds every call with `cache.timeout` (TierGuard), and the idle socket is
 * unref'd so it never keeps a CLI alive. The operations over every stored key (keys, clear, verify,
 * stats): redis-keys.ts; the large values' sizes and the server's limit for one value:
 * redis-large-values.ts.
 */
import { decodeEntry, type EncodeOptions } from './envelope.js'
import { redisKey, type RedisKey } from './redis-key.js'
import { CorruptEntryError, type KeysOptions, type StoredEntry, type Tier } from './types.js'
import { redisHealth, type RedisHealth } from './redis-health.js'
import { clearKeys, keyStats, liveKeys, ofAnotherType, roundsOf, verifyKeys } from './redis-keys.js'
import { scopeUpkeep, type GuardedCall, type RedisScope } from './redis-scopes.js'
import { LargeValues } from './redis-large-values.js'
import { writeEntries, writeEntry, type WriteContext } from './redis-write.js'
import { owedSinceOf } from './redis-progress.js'
import { MissedRemovals } from './redis-missed-removals.js'
import { acquireRedis, batchWrites, BULK_MIN, bytesReadOf, connectionCause, connectionId, noteTransfer, transferUntilOf, type RedisClient, type RedisSpec } from './redis-connection.js'

/** Where a namespace's keys go on its Redis, and what its calls need (tiers.ts builds it). */
export interface RedisTierOptions {
  /** The entries' prefix: `[<base>:]unperf:<name>:<scope>:<namespace>:`. */
  prefix: string
  /** wrap()'s locks' prefix: `[<base>:]lock:unperf:<name>:<scope>:<namespace>:` (see lockKey). */
  lockPrefix: string
  encode: EncodeOptions
  /** `cache.timeout` (ms): bounds ioredis' own connect and disconnect timers. */
  timeoutMs: number
  /** The cache dir: where a Redis found down is noted for the machine's other processes (redis-health.ts). */
  stateDir?: string | undefined
  /** This process's cache scope, marked used on this Redis (redis-scopes.ts). */
  scope?: RedisScope | undefined
}

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
  /** Removals made while it was down, for reads to skip and to apply once it answers (redis-missed-removals.ts). */
  readonly missed: MissedRemovals

  private readonly _connection: string
  private readonly _prefix: string
  private readonly _lockPrefix: string
  private readonly _encode: EncodeOptions
  private readonly _scope: RedisScope | undefined
  /** This namespace's large values as this process last wrote or read them: a read of one is given the time it takes. */
  private readonly _large = new LargeValues()
  /** What set and setMany need (redis-write.ts). */
  private readonly _writes: WriteContext

  constructor(spec: RedisSpec, options: RedisTierOptions) {
    this._connection = connectionId(spec)
    this._prefix = options.prefix
    this._lockPrefix = options.lockPrefix
    this._encode = options.encode
    this._scope = options.scope
    this._writes = { prefix: options.prefix, encode: options.encode, large: this._large }
    this.health = redisHealth(this._connection, options.stateDir)
    this.missed = MissedRemovals.in(options.stateDir, this._connection, options.prefix)
    const { client, release } = acquireRedis(spec, options.timeoutMs)
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

  /** Since when the connection has waited for Redis (redis-progress.ts); undefined when Redis owes it nothing, or while ioredis is still loading. */
  owedSince(): number | undefined {
    return this._ready === undefined ? undefined : owedSinceOf(this._ready)
  }

  /** Until when the connection is busy moving the large values in flight (call-deadlines.ts). */
  transferUntil(): number {
    return transferUntilOf(this._ready)
  }

  /** Round trips of listings, clears and checks answered on the connection (redis-keys.ts). */
  rounds(): number {
    return roundsOf(this._ready)
  }

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
    return writeEntry(this._ready ?? (await this._client), this._writes, entry)
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    if (entries.length === 0) return
    return writeEntries(await this._client, this._writes, entries)
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
    this.missed.flush()
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
}
