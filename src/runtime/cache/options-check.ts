/**
 * The options each cache method reads, and the check of them that runs on every call (cheap: a
 * for-in over the keys given). cached() runs it on the start path (cache/lazy.ts); what a failed
 * check says is built by cache-input.ts, a deferred module.
 */
import { knownKeys } from '../input-checks.js'

/** What set() and setMany()'s entries read. */
export const SET_OPTIONS: readonly string[] = ['ttl', 'metadata']
/** What wrap() reads. */
export const WRAP_OPTIONS: readonly string[] = ['ttl', 'swr', 'staleIfError', 'files']
/** What cached() reads: its name and key function, and wrap()'s options for each call. */
export const CACHED_OPTIONS: readonly string[] = ['name', 'key', ...WRAP_OPTIONS]

/**
 * Options as a cache method reads them: none (undefined, null), or an object of keys it reads, whose
 * `files` (wrap, cached) is an array of strings. Anything else was ignored or misread, silently: a
 * ttl given bare (`set(k, v, 5000)`, as keyv's and cache-manager's set take it) or under another name
 * (`{ expiresIn }`, `{ maxAge }`) stored the entry for the namespace's ttl; `files: 'package.json'`
 * hashed its characters as globs, so a change to the file never reached the key.
 */
export function plainCacheOptions(options: unknown, known: readonly string[]): boolean {
  if (options == null) return true
  if (typeof options !== 'object' || Array.isArray(options)) return false
  if (!knownKeys(options, known)) return false
  const files = (options as { files?: unknown }).files
  return files === undefined || (Array.isArray(files) && files.every(f => typeof f === 'string'))
}
