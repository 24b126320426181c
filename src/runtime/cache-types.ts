/**
 * Public types of the cache: a namespace's methods (`perf.cache`, `perf.cache.namespace(name)`), their
 * options and results. Imports types only; src/runtime/types.ts re-exports them.
 */
import type { Duration } from '../config/types.js'

export interface CacheSetOptions {
  /** Overrides the namespace ttl. `false` = never expires. */
  ttl?: Duration | false | undefined
  /** Free-form JSON data stored beside the value. */
  metadata?: Record<string, unknown> | undefined
}
export interface CacheWrapOptions {
  /** Overrides the namespace ttl. `false` = never expires. */
  ttl?: Duration | false | undefined
  /**
   * Serve stale (up to this long past expiry, `true` = no limit) and revalidate in the background.
   * This call's window, whatever window the entry was written with. @default the namespace's `swr`
   */
  swr?: boolean | Duration | undefined
  /** Serve stale (up to this long past expiry) when fn throws. This call's window, as `swr`. @default the namespace's `staleIfError` */
  staleIfError?: boolean | Duration | undefined
  /** Globs (relative to cwd) whose content hash joins the key. */
  files?: string[] | undefined
}
export interface CachedOptions<A extends unknown[]> extends CacheWrapOptions {
  /** Name of the memoized function; part of the key. */
  name: string
  /** Key from the arguments. @default JSON of the arguments */
  key?: ((...args: A) => string) | undefined
}
export interface CacheEntry<T = unknown> {
  /** The value as it was set (JSON-compatible values, `Buffer`/`Uint8Array`, round-trip exactly). */
  value: T
  /** ms since epoch */
  createdAt: number
  /** ms since epoch, or null = never expires */
  expiresAt: number | null
  /**
   * Bytes as stored: the encoded entry (header, key, metadata, the value after compression) that fs,
   * Redis and unstorage tiers hold, the same from every tier and process. A namespace without such
   * a tier (`driver: 'memory'`): the value's estimate, which its `maxSize` counts.
   */
  size: number
  /** What `set(key, value, { metadata })` stored beside the value. */
  metadata: Record<string, unknown> | undefined
}
/** Counters of one namespace since the instance started. */
export interface CacheStats {
  /** Lookups a tier answered with a live value. */
  hits: number
  /** Lookups no tier answered. */
  misses: number
  /** Values served past their expiry (`swr`, `staleIfError`). */
  stale: number
  /** Values written. */
  sets: number
  /** Entries removed by `delete()` and `clear()`. */
  deletes: number
  /**
   * Entries the cache lost: least recently used over `maxSize`, expired, corrupt (`cache:evict`; `invalidate()`'s are not counted).
   * Each once: a faster tier dropping its copy of an entry a slower tier still holds is not counted.
   */
  evictions: number
  /** Failed tier calls and values that could not be stored. */
  errors: number
  /** (hits + stale) / (hits + stale + misses): a stale value served came from the cache; 0 when there were no lookups. */
  hitRate: number
}
export interface CacheInfo {
  /** Driver names of the tiers, fastest first, e.g. `'memory+fs'`. */
  driver: string
  /** The fs tier's directory (absent without an fs tier). */
  dir?: string
  /** This namespace's entries as stored (expired ones not swept yet included, unlike keys()); with tiers, the largest tier's. */
  entries: number
  /** Bytes of those entries as stored (encoded, compressed): what counts against maxSize. */
  bytes: number
  /** This namespace's limit in bytes. */
  maxSize: number
  /**
   * All namespaces of the cache together, against the shared `cache.maxSize`: memory tiers of this
   * process, fs tiers on disk (the current scope). With several tiers, the largest of the two.
   */
  total: { entries: number; bytes: number; maxSize: number }
  /**
   * Every namespace of the cache: `default`, the configured ones, those opened in this process and
   * those on disk in the scope's fs dirs (other runs' plugin and ad-hoc namespaces). A plugin's
   * namespace lists no other plugin's.
   */
  namespaces: string[]
}
/** What `verify()` found: entries read and hash-checked, corrupt ones, and those removed. */
export interface CacheVerifyResult {
  /** Entries read and checked. */
  checked: number
  /** Entries that failed to decode or whose hash did not match. */
  corrupt: number
  /** Corrupt entries removed. */
  removed: number
}

/** One cache namespace. `perf.cache` is the default namespace. */
export interface PerfCache {
  /** The namespace's name (`'default'` for `perf.cache`). */
  readonly name: string
  /** The value, or `null` on a miss (expired, absent, corrupt). `T` is what you stored: not checked at run time. */
  get<T = unknown>(key: string): Promise<T | null>
  /** `get()` of several keys, in their order: one round trip per tier (pipelined on Redis). */
  getMany<T = unknown>(keys: string[]): Promise<(T | null)[]>
  /** Stores a JSON-compatible value (or `Buffer`/`Uint8Array`) for the namespace's ttl or `options.ttl`; `undefined` deletes the key. */
  set<T = unknown>(key: string, value: T, options?: CacheSetOptions): Promise<void>
  /** `set()` of several `[key, value, options?]`. */
  setMany(entries: [key: string, value: unknown, options?: CacheSetOptions | undefined][]): Promise<void>
  /** Whether `get(key)` would return a value. */
  has(key: string): Promise<boolean>
  /** Removes the entry; `true` when there was one. */
  delete(key: string): Promise<boolean>
  /** The entry with its timestamps (ms since epoch), stored size and metadata, or `null`. */
  getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | null>
  /**
   * The cached value, else `fn()`'s, stored: one `fn` call per key at a time (across processes when a
   * Redis tier exists). `files`: globs whose content hash joins the key (build-cache style).
   */
  wrap<T>(key: string, fn: () => Promise<T> | T, options?: CacheWrapOptions): Promise<T>
  /** `fn` memoized through the cache, keyed by `name` and its arguments (`key(...args)`, default their JSON). */
  cached<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R, options: CachedOptions<A>): (...args: A) => Promise<R>
  /** An HTTP cache over global fetch; a `Request` is read for its URL, method and headers. */
  fetch(url: string | URL | Request, init?: RequestInit): Promise<Response>
  /** Fills these keys in the background, off the command's path; resolves once they are. */
  warm(entries: Record<string, () => Promise<unknown>>): Promise<void>
  /** Deletes the keys keys() lists that match (a glob: `*` matches any characters; or a RegExp); returns how many. */
  invalidate(pattern: string | RegExp): Promise<number>
  /**
   * This namespace's keys whose entries are live: those get() returns, and those past their ttl but
   * within their stale window (`swr` / `staleIfError`), which wrap() can still serve (get() misses
   * them). An expired entry not removed yet is not listed; listing removes nothing.
   */
  keys(): Promise<string[]>
  /** Removes every entry of this namespace, expired ones too; returns how many were live (keys()'s count). */
  clear(): Promise<number>
  /** Removes expired entries, then least recently used ones down to `maxSize`; returns how many. */
  prune(): Promise<number>
  /** This namespace's counters ({@link CacheStats}). */
  stats(): CacheStats
  /** The tiers, entries, bytes and limits of this namespace, and the cache's namespaces ({@link CacheInfo}). */
  info(): Promise<CacheInfo>
  /** Reads and hash-checks every entry, removing corrupt ones ({@link CacheVerifyResult}). */
  verify(): Promise<CacheVerifyResult>
  /**
   * Another namespace, with its own ttl, driver and limits (`cache.namespaces.<name>`). `plugin:*`
   * names are reserved, only the plugin's own `cache` reaches them: any one throws
   * `NamespaceAccessError` (`E_NAMESPACE_RESERVED`) at run time, as API.md documents the call.
   */
  namespace(name: string): PerfCache
}
