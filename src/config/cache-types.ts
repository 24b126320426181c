/**
 * Types of `perf.config.ts`'s `cache`: the tiers (`driver`), the namespaces, ttl and limits.
 * Imports nothing at runtime; src/config/types.ts re-exports them (`unperf/config`).
 */
import type { Duration, Size } from './types.js'

/** What a redis tier takes beside where the server is (`url` or `host`: {@link RedisDriverOptions}). */
export interface RedisTierOptions {
  /** A Redis tier (ioredis, loaded only when used). */
  driver: 'redis'
  /** A number, or digits in a string (`port: process.env.REDIS_PORT`), checked at load. */
  port?: number | string | undefined
  /** A number, or digits in a string (`db: process.env.REDIS_DB`), checked at load. */
  db?: number | string | undefined
  /** ACL user name (Redis 6+). */
  username?: string | undefined
  /** The server's password (or in `url`). */
  password?: string | undefined
  /** `true` or ioredis TLS options. */
  tls?: boolean | Record<string, unknown> | undefined
  /** Extra key prefix before unperf's own `<name>:<scope>:` prefix. */
  base?: string | undefined
}
/**
 * Options of the built-in `redis` driver (ioredis 5, loaded only when used): its `url`
 * (`redis://[:password@]host:port/db`, `rediss://` for TLS) or its `host`. A tier naming neither
 * (`{ driver: 'redis' }`) is a type error, as it is a config error at load; either may be
 * `undefined` in the type (`url: process.env.REDIS_URL`), which the config refuses at load when unset.
 */
export type RedisDriverOptions =
  | (RedisTierOptions & {
    /** Where the server is: `redis://[:password@]host:port/db`, `rediss://` for TLS. */
    url: string | undefined
    /** The server's host name (with `port`, `db`, ...), instead of `url`. */
    host?: string | undefined
  })
  | (RedisTierOptions & {
    /** The server's host name (with `port`, `db`, ...), instead of `url`. */
    host: string | undefined
    /** Where the server is: `redis://[:password@]host:port/db`, `rediss://` for TLS. */
    url?: string | undefined
  })
/** Options of the built-in `fs` driver. */
export interface FsDriverOptions {
  /** A tier of files on disk. */
  driver: 'fs'
  /** Base directory. @default {@link CacheConfig.dir} */
  base?: string | undefined
}
export interface MemoryDriverOptions {
  /** A tier in this process's memory. */
  driver: 'memory'
}
/**
 * The drivers unstorage ships (`unstorage/drivers/<name>`), but for `memory`, `fs` and `redis`, which
 * are unperf's own tiers (with their own options, checked key by key).
 */
export type UnstorageDriverName =
  | 'azure-app-configuration' | 'azure-cosmos' | 'azure-key-vault' | 'azure-storage-blob' | 'azure-storage-table'
  | 'capacitor-preferences' | 'cloudflare-kv-binding' | 'cloudflare-kv-http' | 'cloudflare-r2-binding' | 'db0'
  | 'deno-kv' | 'deno-kv-node' | 'fs-lite' | 'github' | 'http' | 'indexedb' | 'localstorage' | 'lru-cache'
  | 'mongodb' | 'netlify-blobs' | 'null' | 'overlay' | 'planetscale' | 's3' | 'session-storage' | 'uploadthing'
  | 'upstash' | 'vercel-blob' | 'vercel-kv' | 'vercel-runtime-cache'
/**
 * Any other unstorage driver, by its name in `unstorage/drivers/<name>`, with its options. The name
 * is one of unstorage's (a plain `string` would also take `{ driver: 'redis', uri }`, a misspelt
 * option of the redis tier, which the config then refuses at run time); a driver of your own is
 * given as an instance.
 */
export interface UnstorageDriverOptions {
  /** The unstorage driver's name (`unstorage/drivers/<name>`); its options beside it. */
  driver: UnstorageDriverName
  [option: string]: unknown
}
/**
 * An unstorage driver instance (what `unstorage/drivers/<name>` factories and `defineDriver`
 * return), described by its shape: unstorage's own `Driver` type imports the option types of every
 * driver it ships (Azure, MongoDB, Deno, ...), which fail to type-check without `skipLibCheck`.
 * Any unstorage `Driver` is assignable to it.
 */
export interface StorageDriver {
  name?: string | undefined
  options?: unknown
  flags?: { maxDepth?: boolean | undefined; ttl?: boolean | undefined } | undefined
  hasItem(key: string, opts: object): unknown
  /** Reads one value: an object with a `getItem` method is taken as an unstorage driver instance. */
  getItem(key: string, opts?: object): unknown
  getKeys(base: string, opts: object): unknown
  setItem?(key: string, value: string, opts: object): unknown
  removeItem?(key: string, opts: object): unknown
  clear?(base: string, opts: object): unknown
  dispose?(): unknown
}
/**
 * One storage tier. A redis tier is always the object form: it needs its `url` (or `host`), so
 * `'redis'` alone, which could only be refused at load, is not a `DriverSpec`.
 */
export type DriverSpec =
  | 'memory'
  | 'fs'
  | MemoryDriverOptions
  | FsDriverOptions
  | RedisDriverOptions
  | UnstorageDriverOptions
  | StorageDriver
/** A driver, or an array of drivers = tiers, fastest first. */
export type DriverConfig = DriverSpec | DriverSpec[]

/** Eviction policy of the memory tier: W-TinyLFU (frequency-aware admission) or plain LRU. */
export type CachePolicy = 'lru' | 'tinylfu'

export interface CacheNamespaceConfig {
  /** Time to live of entries in this namespace. `false` = never expire. @default the root `cache.ttl` */
  ttl?: Duration | false | undefined
  /** Replaces the root tiers for this namespace. */
  driver?: DriverConfig | undefined
  /** Bytes kept for this namespace; evicted beyond it by `policy`. @default the root `cache.maxSize` */
  maxSize?: Size | undefined
  /** Which entries the memory tier keeps when full. @default the root `cache.policy` */
  policy?: CachePolicy | undefined
  /**
   * Serve stale up to this long past expiry while revalidating. `true` = no limit. Applied when a
   * value is read: a change applies to the entries already stored. @default the root `cache.swr`
   */
  swr?: boolean | Duration | undefined
  /** When the producing function throws, serve a stale value up to this long past expiry. Applied when a value is read, as `swr`. @default the root `cache.staleIfError` */
  staleIfError?: boolean | Duration | undefined
  /** Each hit extends the entry's ttl (sessions). @default false */
  sliding?: boolean | undefined
  /** Compress values larger than this. `false` = never. @default the root `cache.compress` */
  compress?: Size | false | undefined
  /** Hash values and check on read. @default the root `cache.integrity` */
  integrity?: boolean | undefined
}

export interface CacheConfig {
  /** Master switch. Also off with env `UNPERF_CACHE=0` or the adapters' `--no-cache`. @default true */
  enabled?: boolean | undefined
  /**
   * Storage: `'memory' | 'fs' | { driver: 'redis', url, ... } | { driver, ...options } | an unstorage Driver`,
   * or an array of those = tiers, fastest first (`['memory', 'fs', { driver: 'redis', url }]`).
   * A redis tier needs its `url` (or `host`): `'redis'` alone is an error. @default 'fs'
   */
  driver?: DriverConfig | undefined
  /** Base directory of the fs driver. @default platform cache dir + '/' + name */
  dir?: string | undefined
  /**
   * Entry lifetime. Number = ms, string = '1d'. `false` = never expires; `0` is an error. Fixed in
   * each entry when it is written: a change applies to the entries written from then on. @default '1d'
   */
  ttl?: Duration | false | undefined
  /**
   * Bytes kept per namespace (unless a namespace sets its own) and in total over all namespaces of
   * the cache (memory tiers in the process, fs tiers on disk); least recently used evicted first.
   * @default '200MB'
   */
  maxSize?: Size | undefined
  /**
   * Which entries the memory tier keeps when full: `'lru'` (the least recently used goes first) or
   * `'tinylfu'` (W-TinyLFU: a new entry stays only if it is used more often than the one it would
   * replace: more hits on skewed workloads, a long-running service's say). fs tiers evict LRU.
   * @default 'lru'
   */
  policy?: CachePolicy | undefined
  /** Compress values larger than this (brotli). `false` disables. @default '4KB' */
  compress?: Size | false | undefined
  /** Hash each value; a mismatch on read is a miss and the entry is removed. @default true */
  integrity?: boolean | undefined
  /**
   * `true` or a duration: serve a stale value (up to that long past expiry) while revalidating.
   * Applied when a value is read: a change applies to the entries already stored (those a store
   * still holds: Redis drops a key at the end of the window it was written with). `false` = never
   * serve stale. @default false
   */
  swr?: boolean | Duration | undefined
  /** Serve a stale value up to this long past expiry when the producer throws. Applied when a value is read, as `swr`. @default false */
  staleIfError?: boolean | Duration | undefined
  /** Per remote-tier operation; past it the tier is skipped and marked down. @default '250ms' */
  timeout?: Duration | undefined
  /** Override the project id part of the scope. @default hash of package name + git remote, else real path */
  scope?: string | undefined
  /** Scopes unused this long are pruned. @default '7d' */
  scopeMaxAge?: Duration | undefined
  /** What starts the cache's scope over, empty: a new `version`, a change to one of `files`. */
  invalidate?: {
    /** A new `version` starts from an empty scope. @default true */
    version?: boolean | undefined
    /**
     * A content change in any of these (relative to `cwd`) invalidates the scope.
     * @default ['package.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock']
     */
    files?: string[] | undefined
  } | undefined
  /**
   * Named namespaces with their own ttl, driver and limits; what a namespace leaves out is the
   * root's. `'plugin:<name>'` configures the private namespace of the plugin `<name>` (its `cache`):
   * the host decides where a plugin's entries live and for how long. Configuring is not reaching:
   * `perf.cache.namespace('plugin:<name>')` still throws. A `plugin:<name>` key that matches no
   * loaded plugin is warned about, not an error (a plugin listed in one env only). An entry set to
   * `undefined` is absent (`git: ci ? { driver: 'memory' } : undefined`), as an optional key is.
   */
  namespaces?: Record<string, CacheNamespaceConfig | undefined> | undefined
}
