/**
 * A key path made by keyPath() (key-path.ts) read back into its keys: what config messages need to
 * find where a key is written (which layer, which line). Error paths only, so not on the start path.
 */

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
