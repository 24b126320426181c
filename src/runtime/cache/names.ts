/**
 * What the cache manager and its start-path facade (lazy.ts) share, kept out of the cache code so
 * the facade can use it without loading that code: the reserved namespace names, the rule for
 * names a caller may open, and the stats of a cache that has done nothing yet.
 */
import { NamespaceAccessError } from '../../errors.js'
import type { CacheStats } from '../types.js'

export const DEFAULT_NAMESPACE = 'default'
export const SHARED_NAMESPACE = 'shared'
/** Plugins' private namespaces are `plugin:<name>`. */
export const PLUGIN_PREFIX = 'plugin:'

/** `perf.cache.namespace(name)`: a non-empty string, never a plugin's private `plugin:*` namespace. */
export function checkNamespaceName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('[unperf] a cache namespace name is a non-empty string')
  if (name.startsWith(PLUGIN_PREFIX)) throw new NamespaceAccessError(name)
}

export function emptyCacheStats(): CacheStats {
  return { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0 }
}
