/**
 * `path.join` as unperf's code imports it (scripts/build.mjs puts it in `node:path`'s place). Node's
 * join normalizes the whole result character by character: ≈ 1.1 kB of young-generation allocation a
 * call, and a warm start joins ≈ 30 paths (report and snapshot files, cache dirs), ≈ 10 % of what it
 * may allocate before it pays a scavenge (test/package/warm-young-generation.test.ts). A normalized
 * absolute dir and plain names (no `/`, not `.` or `..`) join to `dir/name/…` with nothing to
 * normalize: that case is a concatenation; every other one (Windows, relative or unnormalized
 * dirs, names with separators, non-strings) is Node's join itself. Same results
 * (test/runtime/path-join.test.ts compares them).
 */
import type { PlatformPath } from 'node:path'

let builtin: PlatformPath['join'] | undefined
const nodeJoin = (): PlatformPath['join'] => (builtin ??= (process.getBuiltinModule('node:path') as PlatformPath).join)
const POSIX = process.platform !== 'win32'

/** An absolute POSIX path that path.normalize leaves as it is (and not the root). */
function normalizedDir(p: unknown): p is string {
  return typeof p === 'string' && p.length > 1 && p.charCodeAt(0) === 47 && p.charCodeAt(p.length - 1) !== 47 &&
    p.indexOf('//') === -1 && p.indexOf('/./') === -1 && p.indexOf('/../') === -1 && !p.endsWith('/.') && !p.endsWith('/..')
}

/** One path segment with nothing to normalize. */
function plainName(n: unknown): n is string {
  return typeof n === 'string' && n !== '' && n !== '.' && n !== '..' && n.indexOf('/') === -1
}

export function join(...parts: string[]): string {
  if (POSIX && parts.length > 1 && normalizedDir(parts[0])) {
    let out = parts[0]
    for (let i = 1; i < parts.length; i++) {
      const name = parts[i]
      if (!plainName(name)) return nodeJoin()(...parts)
      out += `/${name}`
    }
    return out
  }
  return nodeJoin()(...parts)
}
