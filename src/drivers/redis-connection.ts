/**
 * The redis tier's connections: one ioredis client per connection (url, db, credentials) shared by
 * every namespace of the process, ioredis imported on the first one; what a failed call's error
 * says (the connection's own last error, its address, a Cluster node); writes batched per tick; the
 * server's largest value.
 */
import { defineSetCommand, type CommandClass, type SetCommandClass } from './_redis-set.js'
import type { ResolvedDriverSpec } from '../config/types.js'
import { MissingDependencyError, PerfError, TimeoutError } from '../errors.js'
import { isClusterReply } from './redis-failures.js'
import { timerDelay } from '../runtime/clock.js'
import { trackProgress } from './redis-progress.js'
import { ownSlowness } from './timeout-blame.js'
import { TRANSFER_FLOOR } from './types.js'
import { nameServer } from './redis-refusal-address.js'

export type RedisSpec = Extract<ResolvedDriverSpec, { driver: 'redis' }>

export interface RedisClient {
  get(key: string | Buffer): Promise<string | null>
  /** (a key as a Buffer: an entry's key with a lone surrogate, redis-key.ts) */
  getBuffer(key: string | Buffer): Promise<Buffer | null>
  mgetBuffer(...keys: (string | Buffer)[]): Promise<(Buffer | null)[]>
  exists(...keys: (string | Buffer)[]): Promise<number>
  set(key: string | Buffer, value: Buffer | string, ...args: (string | number)[]): Promise<unknown>
  del(...keys: (string | Buffer)[]): Promise<number>
  unlink(...keys: string[]): Promise<number>
  zadd(key: string, ...args: (string | number)[]): Promise<unknown>
  zrange(key: string, start: number, stop: number, withScores: 'WITHSCORES'): Promise<string[]>
  pexpire(key: string, ms: number): Promise<number>
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>
  scanBuffer(cursor: string, ...args: (string | number)[]): Promise<[Buffer, Buffer[]]>
  pipeline(): { set(key: string | Buffer, value: Buffer, ...args: (string | number)[]): unknown; del(key: string | Buffer): unknown; strlen(key: string | Buffer): unknown; type(key: string | Buffer): unknown; getrangeBuffer(key: string | Buffer, start: number, end: number): unknown; exec(): Promise<[Error | null, unknown][] | null> }
  /** (a key as a Buffer: a wrap() lock of a key with a lone surrogate) */
  eval(script: string, numKeys: number, ...args: (string | number | Buffer)[]): Promise<unknown>
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
 * Redis' smallest allowed `proto-max-bulk-len` (1 MB): a value under it fits every server, so only
 * larger ones ask the server its own limit (once per connection; 512 MB, its default, when CONFIG is
 * refused). A value over it makes Redis close the connection, failing every call in flight.
 */
export const BULK_MIN = 1024 * 1024
const BULK_DEFAULT = 512 * 1024 * 1024
const bulkLimits = new WeakMap<RedisClient, Promise<number>>()
const clients = new Map<string, { client: Promise<RedisClient>; users: number }>()
/** Each client's last connection error ("connect ECONNREFUSED 127.0.0.1:6379") while it is not connected. */
const connectionErrors = new WeakMap<RedisClient, unknown>()
/** SET in one allocation (see _redis-set.ts): defined once ioredis is loaded, before any client exists. */
let SetCommand: SetCommandClass | undefined

/** The SET command class, once a connection loaded ioredis. */
export function setCommand(): SetCommandClass {
  return SetCommand!
}

interface Corkable { cork(): void; uncork(): void }
/** What batchWrites reads of an ioredis client (internals: a client without them is always corked), and its socket's bytes read. */
interface ClientInternals { stream?: Corkable & { bytesRead?: number }; commandQueue?: { length: number } }
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
export function batchWrites(c: RedisClient, together?: boolean): void {
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
      if (c === undefined) return
      // a connection whose handshake was never answered (a frozen Redis, a connect nobody answers):
      // nothing of ours is left to flush, so it is closed at once. ioredis' disconnect() waited its
      // disconnectTimeout for a close a frozen peer never sends, then its ready check failed and
      // disconnected again, waiting as long once more on the socket already destroyed: both timers
      // ref'd, a CLI on a frozen Redis stayed up 2 s past a history read's bound (0.5 s past a cache's)
      if (c.status !== 'ready') {
        const connector = (c as unknown as { connector?: { disconnectTimeout?: number } }).connector
        if (connector !== undefined) connector.disconnectTimeout = 0
      }
      c.disconnect()
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
    connectTimeout: timerDelay(Math.max(timeoutMs, 1000) * 10), // a socket timer: '30d' × 10 would fire at once
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
  // when it last moved: a timeout shortly after is this process's slowness (timeout-blame.ts)
  trackProgress(client)
  // errors surface on each call; never as an unhandled 'error' event. The last one of the connection
  // says why calls fail (RedisTier.explain) until it connects again
  client.on('error', (error: unknown) => {
    // the NOAUTH of the SELECT (and ready check) sent behind a refused AUTH is not why: the AUTH's
    // WRONGPASS stays the connection's error, and ioredis reconnects (a password fixed comes back)
    if (isNoAuth(error) && isAuthRefused(connectionErrors.get(client))) return
    connectionErrors.set(client, withAddress(client, error))
    if (!isSocketError(error)) nameServer(error, address(client))
    // SELECT refused (a db past the server's `databases`): ioredis stays connected, on db 0. A tier
    // must not silently share another database: closed, its calls fail with this error (explain)
    if ((error as { command?: { name?: unknown } }).command?.name === 'select' && !isNoAuth(error)) client.disconnect()
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
  // this process was too slow to see the connect or the handshake's replies: no claim about Redis
  if (ownSlowness(error)) return error
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

/** A reply refusing a command for want of authentication (what follows a refused AUTH). */
function isNoAuth(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOAUTH')
}

/** A refused AUTH: a wrong password or user (`WRONGPASS`; `ERR invalid password` before Redis 6). */
function isAuthRefused(error: unknown): boolean {
  return error instanceof Error && /^(WRONGPASS|ERR invalid password|ERR invalid username-password)/.test(error.message)
}

function isSocketError(error: unknown): error is Error {
  const syscall = (error as { syscall?: unknown } | null)?.syscall
  return error instanceof Error && (syscall === 'read' || syscall === 'write')
}

/** The bytes the client's socket has received (net.Socket#bytesRead), 0 before it has one. */
export function bytesReadOf(c: RedisClient | undefined): number {
  return (c as unknown as ClientInternals | undefined)?.stream?.bytesRead ?? 0
}

/** Per client, its large values in flight (written, or read when known large): how many, and until when (performance.now() ms) they take at TRANSFER_FLOOR. */
const transfers = new WeakMap<RedisClient, { count: number; until: number }>()

/**
 * A large value of `bytes` is being written or read through the client: its connection is busy that
 * much longer (Tier.transferUntil), until the returned function is called (the call settled).
 */
export function noteTransfer(c: RedisClient, bytes: number): () => void {
  let t = transfers.get(c)
  if (t === undefined) transfers.set(c, t = { count: 0, until: 0 })
  t.until = Math.max(performance.now(), t.until) + bytes / TRANSFER_FLOOR
  t.count++
  const state = t
  return () => { if (--state.count === 0) state.until = 0 }
}

/** Until when the client's large values in flight take (0: none). */
export function transferUntilOf(c: RedisClient | undefined): number {
  return c === undefined ? 0 : transfers.get(c)?.until ?? 0
}

/** This server's largest value (see BULK_MIN). */
export function bulkLimit(c: RedisClient): Promise<number> {
  let limit = bulkLimits.get(c)
  if (limit === undefined) {
    limit = c.config('GET', 'proto-max-bulk-len').then(r => Number((r as string[] | null)?.[1]) || BULK_DEFAULT, () => BULK_DEFAULT)
    bulkLimits.set(c, limit)
  }
  return limit
}
