/**
 * A namespace's entries as they are stored: the TTL (the call's `ttl`, else the namespace's;
 * `false`: none) and the stale window kept with each, the longer of `swr` and `staleIfError` (the
 * call's, else the namespace's) during which an expired entry may still be served.
 */
import type { ResolvedNamespaceConfig } from '../../config/types.js'
import { parseDuration } from '../../config/units.js'
import type { StoredEntry } from '../../drivers/types.js'
import type { CacheSetOptions, CacheWrapOptions } from '../types.js'
import { ttlError } from './cache-input.js'

/** A stale window of `true` (no limit) is stored as ten years. */
const FOREVER = 10 * 365 * 86_400_000

/** A window (ms) as stored: `false` none, an infinite one {@link FOREVER}. */
export function window(value: number | false): number {
  if (value === false) return 0
  return Number.isFinite(value) ? value : FOREVER
}

function toWindow(value: boolean | string | number): number | false {
  if (value === false) return false
  if (value === true) return Number.POSITIVE_INFINITY
  return parseDuration(value) ?? false
}

/** The stale window of the namespace's entries. */
export function staleWindow(config: ResolvedNamespaceConfig): number {
  return Math.max(window(config.swr), window(config.staleIfError))
}

/** The stale window of wrap(key, fn, options)'s entry: its options', else the namespace's. */
export function wrapStaleWindow(config: ResolvedNamespaceConfig, options: CacheWrapOptions): number {
  return Math.max(
    options.swr === undefined ? window(config.swr) : window(toWindow(options.swr)),
    options.staleIfError === undefined ? window(config.staleIfError) : window(toWindow(options.staleIfError)),
  )
}

/**
 * The entry set(key, value, options) stores; a ttl of 0 (or one that is no duration) is a
 * TypeError. `index`: the entry's place in setMany(entries), which its error names.
 */
export function newEntry(config: ResolvedNamespaceConfig, key: string, value: unknown, ttlOption: CacheSetOptions['ttl'], metadata: Record<string, unknown> | undefined, staleFor: number, index?: number): StoredEntry {
  const now = Date.now()
  const ttl = ttlOption === undefined ? config.ttl : ttlOption === false ? false : parseDuration(ttlOption)
  if (ttl === undefined || ttl === 0) throw ttlError(index === undefined ? `cache.set('${key}')` : `cache.setMany(entries): entries[${index}] ('${key}')`, ttlOption)
  const entry: StoredEntry = { key, value, createdAt: now, expiresAt: ttl === false ? null : now + ttl, staleFor, size: 0 }
  if (metadata) entry.metadata = metadata
  return entry
}
