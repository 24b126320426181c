/**
 * What the cache manager and its start-path facade (lazy.ts) share, kept out of the cache code so
 * the facade can use it without loading that code: the reserved namespace names, the rule for
 * names a caller may open, and the stats of a cache that has done nothing yet. (A namespace's
 * segment in the tiers' keys is storage-segment.ts: only the cache code needs it.)
 */
import { NamespaceAccessError } from '../../errors.js'
import { namespaceNameError } from './options-error.js'
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
  // the message from a deferred module (options-error.ts): only a slip loads it
  if (typeof name !== 'string' || name.length === 0 || !(name as unknown as { isWellFormed(): boolean }).isWellFormed()) throw namespaceNameError(name)
  if (name.startsWith(PLUGIN_PREFIX)) throw new NamespaceAccessError(name)
}

export function emptyCacheStats(): CacheStats {
  return { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0 }
}
