/**
 * What the cache manager and its start-path facade (lazy.ts) share, kept out of the cache code so
 * the facade can use it without loading that code: the reserved namespace names, the rule for
 * names a caller may open, and the stats of a cache that has done nothing yet.
 */
import { argumentError, NamespaceAccessError } from '../../errors.js'
import type { CacheStats } from '../types.js'

export const DEFAULT_NAMESPACE = 'default'
export const SHARED_NAMESPACE = 'shared'
/** Plugins' private namespaces are `plugin:<name>`. */
export const PLUGIN_PREFIX = 'plugin:'

/**
 * `perf.cache.namespace(name)`: a non-empty string, never a plugin's private `plugin:*` namespace.
 * Well-formed: a lone surrogate has no URI (or UTF-8) form, and the namespace's dir and key segment
 * are made from one (its first use failed the whole cache with `URI malformed`).
 */
export function checkNamespaceName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || !(name as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw argumentError(`[unperf] a cache namespace name is a non-empty string without lone UTF-16 surrogates, got ${typeof name === 'string' ? JSON.stringify(name) : name === null ? 'null' : typeof name}`)
  }
  if (name.startsWith(PLUGIN_PREFIX)) throw new NamespaceAccessError(name)
}

export function emptyCacheStats(): CacheStats {
  return { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0 }
}

/**
 * A namespace's segment in an unstorage tier's keys (`unperf:<name>:<scope>:<segment>:<key>`):
 * encodeURIComponent with every uppercase letter, `.` and `*` escaped too. Drivers that store keys
 * as paths (fs, fs-lite) make the segment a dir: `PLUGIN:a` must not meet `plugin:a` on a
 * case-insensitive file system (macOS, Windows), nor `.` resolve to the scope dir, nor `*` be a name
 * Windows refuses. Literal letters are all lowercase and every `%` starts an uppercase escape, so
 * two names never fold to one; decodeURIComponent reads it back. (Redis keeps encodeURIComponent.)
 */
export function storageSegment(namespace: string): string {
  const encoded = encodeURIComponent(namespace)
  return /[A-Z.*]/.test(encoded.replace(/%[0-9A-F]{2}/g, '')) ? encoded.replace(/%[0-9A-F]{2}|[A-Z.*]/g, c => c.length === 3 ? c : '%' + c.charCodeAt(0).toString(16).toUpperCase()) : encoded
}
