/**
 * What `unperf cache get K` adds to "no entry for 'K'" when the entry is stored under another name:
 * a key `wrap()` with `files` stored with a hash of the files, or the key in another namespace.
 */
import type { CacheNamespace } from '../runtime/cache/namespace.js'
import { keysOf } from '../runtime/cache/namespace-management.js'
import type { PerfCache } from '../runtime/types.js'
import { printable } from './_ui.js'

const BUILT_IN_TIERS = new Set(['memory', 'fs', 'redis'])

/**
 * `wrap(key, fn, { files })` stores its value as `key#files:<hash of the files>` (docs/cache.md): a
 * `cache get key` after it found "no entry" beside the entry. Names the keys stored so (newest first,
 * three at most), and how to read one; '' when there are none.
 */
export async function filesKeysHint(ns: CacheNamespace, name: string, key: string): Promise<string> {
  // the built-in tiers tell a key by its name (the fs tier's file, the redis tier's SCAN): a miss reads
  // no entry for it; a driver of the user's (unstorage) would have every entry read to list its keys
  if (!(await builtInTiersOnly(ns))) return ''
  const prefix = `${key}#files:`
  const found: { key: string; createdAt: number }[] = []
  for (const k of await keysOf(ns._tiers, ns._events, { match: k => k.startsWith(prefix) })) {
    const e = await ns._tiers.peek(k)
    if (e) found.push({ key: k, createdAt: e.createdAt })
  }
  if (found.length === 0) return ''
  found.sort((a, b) => b.createdAt - a.createdAt)
  const names = found.slice(0, 3).map(f => `'${printable(f.key)}'`).join(', ') + (found.length > 3 ? ` and ${found.length - 3} more` : '')
  const command = `unperf cache get ${shellWord(found[0]!.key)}${name === 'default' ? '' : ` --namespace ${shellWord(name)}`}`
  return `; wrap() with files stored it under the key and a hash of the files' content: ${names} (${printable(command)})`
}

/** Whether every tier of `ns` is a built-in one (memory, fs, redis), not a user's unstorage driver. */
async function builtInTiersOnly(ns: CacheNamespace): Promise<boolean> {
  return (await ns._tiers.guards()).every(g => BUILT_IN_TIERS.has(g.tier.kind))
}

/** `text` as one word of a POSIX shell line: single-quoted, a `'` in it as `'\''`. */
function shellWord(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`
}

/**
 * `cache get K` without `--namespace` reads the default namespace: a key the host CLI set in
 * `perf.cache.namespace('templates')` (or a plugin in its own) was "no entry" with no word of where
 * it is. Names the namespaces holding it (three at most) and the command to read it; '' when none.
 */
export async function otherNamespacesHint(key: string, every: () => Promise<string[]>, get: (name: string) => PerfCache): Promise<string> {
  const found: string[] = []
  for (const name of await every()) {
    if (name === 'default') continue
    const other = get(name)
    // a miss is one read of a user's driver (unstorage: a remote store, paid per read): a namespace
    // on one is not asked; the built-in tiers tell a key by its name (a stat, an EXISTS)
    if (await builtInTiersOnly(other as unknown as CacheNamespace) && await other.has(key)) found.push(name)
  }
  if (found.length === 0) return ''
  const names = found.slice(0, 3).map(n => `'${printable(n)}'`).join(', ') + (found.length > 3 ? ` and ${found.length - 3} more` : '')
  return ` in the default namespace; it is in namespace ${names} (${printable(`unperf cache get ${shellWord(key)} --namespace ${shellWord(found[0]!)}`)})`
}
