/**
 * Key paths in config messages: `cache.namespaces.git.ttl`, and brackets for a key that is not a
 * plain identifier, so that the path names one key unambiguously: `monitors.alerts['cpu.percent']`,
 * `budgets.commands['cache clear'].p95`, `cache.namespaces['plugin:x']`. Array items are `[0]`.
 */

/** `parent.key`, or `parent['key']` when the key is not an identifier; `key` alone at the root. */
export function keyPath(parent: string, key: string): string {
  if (isIdentifier(key)) return parent ? `${parent}.${key}` : key
  return `${parent}['${key.replace(/[\\']/g, c => `\\${c}`)}']`
}

/** The keys of a path made by keyPath (`a.b[0]['c.d']` → a, b, 0, c.d). */
export function pathKeys(path: string): string[] {
  const keys: string[] = []
  let i = 0
  while (i < path.length) {
    const c = path[i]
    if (c === '.') { i++; continue }
    if (c === '[') {
      if (path[i + 1] === "'") {
        let key = ''
        i += 2
        while (i < path.length && path[i] !== "'") {
          if (path[i] === '\\') i++
          key += path[i++] ?? ''
        }
        keys.push(key)
        i += 2 // the quote and the bracket
      } else {
        const end = path.indexOf(']', i)
        keys.push(path.slice(i + 1, end === -1 ? path.length : end))
        i = end === -1 ? path.length : end + 1
      }
      continue
    }
    let end = i
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end++
    keys.push(path.slice(i, end))
    i = end
  }
  return keys
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
