/**
 * Key paths in config messages: `cache.namespaces.git.ttl`, and brackets for a key that is not a
 * plain identifier, so that the path names one key unambiguously: `monitors.alerts['cpu.percent']`,
 * `budgets.commands['cache clear'].p95`, `cache.namespaces['plugin:x']`. Array items are `[0]`.
 * (Reading a path back into its keys is path-keys.ts: only error paths need it, off the start path.)
 */

/** `parent.key`, or `parent['key']` when the key is not an identifier; `key` alone at the root. */
export function keyPath(parent: string, key: string): string {
  if (isIdentifier(key)) return parent ? `${parent}.${key}` : key
  return `${parent}['${key.replace(/[\\']/g, c => `\\${c}`)}']`
}

// [A-Za-z_$][A-Za-z0-9_$]*, without a regular expression (resolution runs on every start)
function isIdentifier(key: string): boolean {
  if (key.length === 0) return false
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false
  }
  return true
}
