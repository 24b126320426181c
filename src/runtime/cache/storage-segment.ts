/** How a namespace's name is written in the tiers' keys (the cache code's own: not on the start path, unlike names.ts). */

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
