/**
 * The redis tier (ioredis 5, imported on first use). Keys: `unperf:<name>:<scope>:<namespace>:<key>`
 * (or `<base>:` before it). Values are the same envelope as on fs; Redis expires them itself
 * (PX = ttl + stale window). getMany is one MGET (and an EXISTS in the same write), setMany one
 * pipeline. Commands issued while (re)connecting wait in ioredis' offline queue; the cache layer
 * bounds every call with `cache.timeout` (TierGuard), and the idle socket is unref'd so it never
 * keeps a CLI alive.
 */
import { defineSetCommand, type CommandClass, type SetCommandClass } from './_redis-set.js'
import { decodeEntry, encodeEntry, type EncodeOptions } from './envelope.js'
import { CorruptEntryError, type KeysOptions, type StoredEntry, type Tier } from './types.js'
import type { ResolvedDriverSpec } from '../config/types.js'
import { MissingDependencyError, PerfError, TimeoutError } from '../errors.js'
import { formatBytes } from '../config/units.js'
import { isClusterReply, redisHealth, type RedisHealth } from './redis-health.js'
import { escapeGlob, scopeUpkeep, type GuardedCall, type RedisScope } from './redis-scopes.js'

type RedisSpec = Extract<ResolvedDriverSpec, { driver: 'redis' }>

export interface RedisClient {
  get(key: string): Promise<string | null>
  getBuffer(key: string): Promise<Buffer | null>
  mgetBuffer(...keys: string[]): Promise<(Buffer | null)[]>
  exists(...keys: string[]): Promise<number>
  set(key: string, value: Buffer | string, ...args: (string | number)[]): Promise<unknown>
  del(...keys: string[]): Promise<number>
  unlink(...keys: string[]): Promise<number>
  zadd(key: string, ...args: (string | number)[]): Promise<unknown>
  zrange(key: string, start: number, stop: number, withScores: 'WITHSCORES'): Promise<string[]>
  pexpire(key: string, ms: number): Promise<number>
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>
  pipeline(): { set(key: string, value: Buffer, ...args: (string | number)[]): unknown; del(key: string): unknown; strlen(key: string): unknown; type(key: string): unknown; exec(): Promise<[Error | null, unknown][] | null> }
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>
  sendCommand(command: object): Promise<unknown>
  ping(): Promise<string>
  config(...args: string[]): Promise<unknown>
  /** Any command (doctor's `CLUSTER INFO`). */
  call(command: string, ...args: (string | number)[]): Promise<unknown>
  quit(): Promise<unknown>
  disconnect(): void
  on(event: string, fn: (...args: unknown[]) => void): unknown
  status: string
}

/**
 * The longest PX given to Redis: it parses PX as a signed 64-bit integer and adds its clock (a PX
 * above ~9.2e18 ms, or one String() writes with an exponent, fails); MAX_SAFE_INTEGER (~285 000
 * years) is exact in both and far below that.
 */
const MAX_PX = Number.MAX_SAFE_INTEGER
/**
 * Redis' smallest allowed `proto-max-bulk-len` (1 MB): a value under it fits every server, so only
 * larger ones ask the server its own limit (once per connection; 512 MB, its default, when CONFIG is
 * refused). A value over it makes Redis close the connection, failing every call in flight.
 */
const BULK_MIN = 1024 * 1024
const BULK_DEFAULT = 512 * 1024 * 1024
const bulkLimits = new WeakMap<RedisClient, Promise<number>>()
const clients = new Map<string, { client: Promise<RedisClient>; users: number }>()
/** Each client's last connection error ("connect ECONNREFUSED 127.0.0.1:6379") while it is not connected. */
const connectionErrors = new WeakMap<RedisClient, unknown>()
/** SET in one allocation (see _redis-set.ts): defined once ioredis is loaded, before any client exists. */
let SetCommand: SetCommandClass | undefined

interface Corkable { cork(): void; uncork(): void }
/** What batchWrites reads of an ioredis client (internals: a client without them is always corked). */
interface ClientInternals { stream?: Corkable; commandQueue?: { length: number } }
/** Sockets corked until the next tick. */
const corked = new Set<Corkable>()

function uncork(stream: Corkable): void {
  corked.delete(stream)
  stream.uncork()
}

/**
 * Commands sent while others await their replies leave together: the socket is corked at the
 * first of them and uncorked on the next tick, so 100 concurrent gets cost two socket writes (the
 * first command's, then one writev of the other 99), not 100 syscalls. A command alone on its
 * connection (sequential awaits) is written at once: corking it would only add the cork, the
 * buffered write and the uncork to its round trip. (ioredis' enableAutoPipelining batches with a
 * Pipeline object per tick, measurably slower for sequential commands.) `together`: corked even
 * alone, for the commands a call sends at once (getMany's MGET and EXISTS leave in one write).
 */
function batchWrites(c: RedisClient, together?: boolean): void {
  const { stream, commandQueue } = c as unknown as ClientInternals
  if (stream === undefined || (commandQueue?.length === 0 && !together) || corked.has(stream)) return
  corked.add(stream)
  stream.cork()
  process.nextTick(uncork, stream)
}

/**
 * The error that says why a call failed: ioredis fails a command on a connection it cannot make with
 * "Reached the max retries per request limit (which is 0). Refer to maxRetriesPerRequest…", an option
 * unperf sets and the user cannot (and on one closed for a refused SELECT with "Connection is closed.");
 * the connection's own last error ("connect ECONNREFUSED
 * 127.0.0.1:6379", "the connection to 127.0.0.1:6379 closed") is the one that says what is wrong.
 */
export function connectionCause(client: RedisClient | undefined, error: unknown): unknown {
  if (client === undefined) return error
  if (error instanceof TimeoutError) return timeoutCause(client, error)
  if (isSocketError(error)) return withAddress(client, error)
  const e = error as { name?: unknown; message?: unknown } | undefined
  if (isClusterReply(error)) {
    return new PerfError('E_REDIS_CLUSTER', `${address(client)} is a node of a Redis Cluster (${String(e!.message)}): the redis driver speaks to one Redis, not to a Cluster; use a standalone Redis (or a Cluster of one node that holds every slot)`)
  }
  if (e?.name !== 'MaxRetriesPerRequestError' && e?.message !== 'Connection is closed.') return error
  return connectionErrors.get(client) ?? error
}

/** What tells one connection from another (credentials included: only hashed, see redis-health.ts). */
export function connectionId(spec: RedisSpec): string {
  return JSON.stringify([spec.url, spec.host, spec.port, spec.db, spec.username, spec.password, spec.tls])
}

/** One ioredis client per connection, shared by every namespace of the process. */
export function acquireRedis(spec: RedisSpec, timeoutMs: number): { client: Promise<RedisClient>; release: () => Promise<void> } {
  const id = connectionId(spec)
  let holder = clients.get(id)
  if (!holder) {
    holder = { users: 0, client: connect(spec, timeoutMs) }
    clients.set(id, holder)
  }
  holder.users++
  const h = holder
  return {
    client: h.client,
    release: async () => {
      if (--h.users > 0) return
      clients.delete(id)
      const c = await h.client.catch(() => undefined)
      c?.disconnect()
    },
  }
}

async function connect(spec: RedisSpec, timeoutMs: number): Promise<RedisClient> {
  let Redis: new (...args: unknown[]) => RedisClient
  try {
    const ioredis = (await import('ioredis')) as unknown as { default: typeof Redis; Command: CommandClass }
    Redis = ioredis.default
    SetCommand ??= defineSetCommand(ioredis.Command)
  } catch (error) {
    throw new MissingDependencyError('ioredis', "cache.driver 'redis'", error)
  }
  const options = {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    // ioredis' own connect timer fires before the 'connect' event when the host's loop is busy (timers
    // run before I/O), failing every queued command; the tier guard bounds each call anyway
    connectTimeout: Math.max(timeoutMs, 1000) * 10,
    retryStrategy: (times: number) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
    // disconnect() arms a (ref'd) timer that destroys a socket not closed by then; on a socket that
    // already failed (redis down: refused, reset) it never closes again, so the default 2 s kept a
    // CLI alive for 2 s after close(). Bounded like every other call: the tier's timeout.
    disconnectTimeout: Math.min(2000, Math.max(timeoutMs, 1)),
    ...(spec.host !== undefined && { host: spec.host }),
    ...(spec.port !== undefined && { port: spec.port }),
    ...(spec.db !== undefined && { db: spec.db }),
    ...(spec.username !== undefined && { username: spec.username }),
    ...(spec.password !== undefined && { password: spec.password }),
    ...(spec.tls && { tls: spec.tls === true ? {} : spec.tls }),
  }
  const client = spec.url ? new Redis(spec.url, options) : new Redis(options)
  // errors surface on each call; never as an unhandled 'error' event. The last one of the connection
  // says why calls fail (RedisTier.explain) until it connects again
  client.on('error', (error: unknown) => {
    connectionErrors.set(client, withAddress(client, error))
    // SELECT refused (a db past the server's `databases`): ioredis stays connected, on db 0. A tier
    // must not silently share another database: closed, its calls fail with this error (explain)
    if ((error as { command?: { name?: unknown } }).command?.name === 'select') client.disconnect()
  })
  // a server that exits or drops the connection: no error event before ioredis fails the queued calls
  client.on('close', () => {
    if (connectionErrors.has(client)) return
    connectionErrors.set(client, new Error(`the connection to ${address(client)} closed`))
  })
  // an idle connection must not keep a CLI alive
  const unref = () => (client as unknown as { stream?: { unref?: () => void } }).stream?.unref?.()
  unref()
  client.on('connect', unref)
  // usable once ready (AUTH, SELECT and the ready check answered), not when the socket connects: a
  // call that times out before that (a rotated password's AUTH refused on each reconnect) is the
  // last error's, not a hanging Redis's (timeoutCause)
  client.on('ready', () => connectionErrors.delete(client))
  return client
}

/**
 * A call that timed out before the connection was made says so: the connection's last error when
 * it has one (it is reconnecting after it), else a `rediss://` url on a port that
 * does not speak TLS (the handshake waits for ever: the server waits for a command), or a host that
 * never answers the connect (a firewall dropping it), is not a frozen Redis.
 */
function timeoutCause(client: RedisClient, error: TimeoutError): unknown {
  if (client.status !== 'connecting' && client.status !== 'reconnecting' && client.status !== 'connect') return error
  // the call waited in ioredis' queue while it reconnects after a failure it knows (a refused AUTH
  // once the password was rotated, a refused connect): that failure is why, not a hanging Redis
  const last = connectionErrors.get(client)
  if (last !== undefined) return last
  // connected, its handshake unanswered: a Redis that hangs (frozen before it answered AUTH or INFO)
  if (client.status === 'connect') return error
  const tls = (client as unknown as { options: { tls?: unknown } }).options.tls
  const out = new TimeoutError('', error.timeout)
  out.message = `${error.message}: ${tls ? `the TLS handshake with ${address(client)} did not finish (does that port speak TLS?)` : `no connection to ${address(client)} (the connect was not answered)`}`
  return out
}

function address(client: RedisClient): string {
  const { host, port, path } = (client as unknown as { options: { host?: string; port?: number; path?: string } }).options
  return path ?? `${host}:${port}`
}

/**
 * A socket error that does not say where ("read ECONNRESET": a server killed or restarted with
 * replies pending) with the server's address, as a refused connect names it. Its code is kept.
 */
function withAddress(client: RedisClient, error: unknown): unknown {
  if (!isSocketError(error)) return error
  const { code } = error as Error & { code?: unknown }
  return Object.assign(new Error(`the connection to ${address(client)} failed (${error.message})`), { code })
}

function isSocketError(error: unknown): error is Error {
  const syscall = (error as { syscall?: unknown } | null)?.syscall
  return error instanceof Error && (syscall === 'read' || syscall === 'write')
}

/** This server's largest value (see BULK_MIN). */
function bulkLimit(c: RedisClient): Promise<number> {
  let limit = bulkLimits.get(c)
  if (limit === undefined) {
    limit = c.config('GET', 'proto-max-bulk-len').then(r => Number((r as string[] | null)?.[1]) || BULK_DEFAULT, () => BULK_DEFAULT)
    bulkLimits.set(c, limit)
  }
  return limit
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

  private readonly _connection: string

  constructor(spec: RedisSpec, private readonly _prefix: string, private readonly _encode: EncodeOptions, timeoutMs: number, stateDir?: string, private readonly _scope?: RedisScope) {
    this._connection = connectionId(spec)
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

  /** Whether a connection marked down is back (TierGuard's probe): one PING. */
  async probe(): Promise<unknown> {
    const c = this._ready ?? (await this._client)
    return c.ping()
  }

  /** The single-flight lock of a key: scoped like the entries, outside their prefix (keys() never lists it). */
  lockKey(key: string): string {
    return `lock:${this._prefix}${key}`
  }

  async get(key: string): Promise<StoredEntry | null> {
    const c = this._ready ?? (await this._client)
    batchWrites(c)
    let data: Buffer | null
    try {
      data = await c.getBuffer(this._prefix + key)
    } catch (error) {
      // a key of another type (a hash, a list) under our prefix is a corrupt entry, not a tier failure:
      // a reply error would mark the whole tier down on every read of it
      if (!isWrongType(error)) throw error
      throw await this._wrongType(c, key)
    }
    if (data === null) return null
    try {
      return decodeEntry(data, key, this._encode.integrity)
    } catch (error) {
      await c.del(this._prefix + key).catch(() => 0)
      throw error
    }
  }

  async getMany(keys: string[]): Promise<(StoredEntry | null | CorruptEntryError)[]> {
    if (keys.length === 0) return []
    const c = this._ready ?? (await this._client)
    const full = keys.map(k => this._prefix + k)
    // MGET answers nil for a key of another type (a hash, a list) as for a missing one; EXISTS, sent
    // in the same write, counts it: only a batch with such a key pays a second round trip (TYPE)
    batchWrites(c, true)
    const [values, existing] = await Promise.all([c.mgetBuffer(...full), c.exists(...full)])
    let found = 0
    const out = values.map((data, i): StoredEntry | null | CorruptEntryError => {
      if (data === null) return null
      found++
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
      const wrong = new Set(await this._ofAnotherType(c, keys.filter((_, i) => values[i] === null)))
      await Promise.all(keys.map(async (k, i) => { if (values[i] === null && wrong.has(k)) out[i] = await this._wrongType(c, k) }))
    }
    return out
  }

  async set(entry: StoredEntry): Promise<void> {
    const c = this._ready ?? (await this._client)
    const data = encodeEntry(entry, this._encode)
    const px = this._px(entry)
    if (data.length >= BULK_MIN) await this._fits(c, [[entry.key, data]])
    batchWrites(c)
    // already past its stale window: nothing to keep
    if (px !== undefined && px <= 0) await c.del(this._prefix + entry.key)
    else await c.sendCommand(new SetCommand!(this._prefix + entry.key, data, px))
  }

  async setMany(entries: StoredEntry[]): Promise<void> {
    if (entries.length === 0) return
    const c = await this._client
    const pipe = c.pipeline()
    const encoded = entries.map(e => [e.key, encodeEntry(e, this._encode)] as [string, Buffer])
    // the others are written; the error names those that are not
    const tooLarge = await this._fits(c, encoded.filter(([, data]) => data.length >= BULK_MIN)).then(() => undefined, (error: unknown) => error as PerfError & { keys: string[] })
    entries.forEach((e, i) => {
      const px = this._px(e)
      const data = encoded[i]![1]
      if (tooLarge?.keys.includes(e.key)) return
      if (px === undefined) pipe.set(this._prefix + e.key, data)
      else if (px <= 0) pipe.del(this._prefix + e.key)
      else pipe.set(this._prefix + e.key, data, 'PX', px)
    })
    await pipe.exec()
    if (tooLarge) throw tooLarge
  }

  /**
   * Throws E_TOO_LARGE naming the entries over the server's limit for one value (see BULK_MIN): sent,
   * Redis would close the connection and fail every call in flight with it. Not a tier failure.
   */
  private async _fits(c: RedisClient, entries: [string, Buffer][]): Promise<void> {
    if (entries.length === 0) return
    const limit = await bulkLimit(c)
    const over = entries.filter(([, data]) => data.length > limit)
    if (over.length === 0) return
    const what = over.map(([key, data]) => `'${key}' (${formatBytes(data.length)})`).join(', ')
    throw Object.assign(new PerfError('E_TOO_LARGE', `cache ${over.length === 1 ? 'entry' : 'entries'} ${what} over this Redis' limit for one value (proto-max-bulk-len ${formatBytes(limit)}): not written to the redis tier`), { keys: over.map(([key]) => key) })
  }

  async delete(key: string): Promise<boolean> {
    const c = await this._client
    return (await c.del(this._prefix + key)) > 0
  }

  /**
   * Live entries only, `expired` or not: Redis drops an entry at the end of its stale window itself
   * (PX = ttl + stale window, rounded up to the ms), and SCAN never returns a key past its expiry.
   */
  async keys(_options?: KeysOptions): Promise<string[]> {
    const c = await this._client
    const out: string[] = []
    const pattern = escapeGlob(this._prefix) + '*'
    let cursor = '0'
    do {
      const [next, batch] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
      cursor = next
      for (const k of batch) out.push(k.slice(this._prefix.length))
    } while (cursor !== '0')
    return out
  }

  async clear(): Promise<number> {
    const keys = await this.keys()
    const c = await this._client
    for (let i = 0; i < keys.length; i += 500) await c.del(...keys.slice(i, i + 500).map(k => this._prefix + k))
    return keys.length
  }

  async prune() {
    // Redis expires entries itself (PX) and evicts by its own maxmemory policy.
    return []
  }

  async verify() {
    const keys = await this.keys()
    const c = await this._client
    const corrupt: string[] = []
    for (let i = 0; i < keys.length; i += 200) {
      const batch = keys.slice(i, i + 200)
      const values = await c.mgetBuffer(...batch.map(k => this._prefix + k))
      const nulls: string[] = []
      values.forEach((data, j) => {
        if (data === null) return void nulls.push(batch[j]!)
        try { decodeEntry(data, batch[j], true) } catch { corrupt.push(batch[j]!) }
      })
      // MGET answers nil for a key of another type (a hash, a list): listed, so not expired since
      if (nulls.length) corrupt.push(...await this._ofAnotherType(c, nulls))
    }
    if (corrupt.length) await c.del(...corrupt.map(k => this._prefix + k))
    return { checked: keys.length, corrupt }
  }

  async stats() {
    const keys = await this.keys()
    const c = await this._client
    let bytes = 0
    for (let i = 0; i < keys.length; i += 500) {
      const pipe = c.pipeline()
      for (const k of keys.slice(i, i + 500)) pipe.strlen(this._prefix + k)
      for (const [error, n] of (await pipe.exec()) ?? []) if (!error) bytes += Number(n)
    }
    return { entries: keys.length, bytes }
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
    await c.del(this._prefix + key).catch(() => 0)
    return new CorruptEntryError(key, 'not a string value')
  }

  /** Which of `keys` (MGET answered nil for them) hold another type than a string: one pipelined TYPE each. */
  private async _ofAnotherType(c: RedisClient, keys: string[]): Promise<string[]> {
    const pipe = c.pipeline()
    for (const k of keys) pipe.type(this._prefix + k)
    const types = (await pipe.exec()) ?? []
    return keys.filter((_, j) => {
      const [error, type] = types[j] ?? []
      return !error && type !== 'string' && type !== 'none'
    })
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
