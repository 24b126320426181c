/**
 * A cycle of `extends` (a preset extending the config that extends it, two presets extending each
 * other, one extending itself) is a config error naming the chain. c12 has no check: a native ES
 * module preset comes back from node's module cache as the object it already extended, and the
 * load failed with `could not load the config: Cannot read properties of undefined (reading
 * 'push')`, naming neither file; a preset extending itself was taken once, without a word.
 * The cold path's (c12.ts) only.
 */
import { relative } from 'node:path'
import { ConfigError, configIssue } from '../errors.js'

/**
 * The check for one load: `extended(by, source, target)` before each preset is loaded, with the file
 * whose `extends` lists `source` and the file it loads. c12 loads depth-first (a preset's own
 * `extends` right after it), so the files that extended `by` are its chain up to the root layer.
 */
export function extendsCycleCheck(rootDir: string): (by: string, source: string, target: string | undefined) => void {
  const extendedBy = new Map<string, string>()
  return (by, source, target) => {
    if (target === undefined) return
    const chain: string[] = []
    for (let file: string | undefined = by; file !== undefined; file = extendedBy.get(file)) {
      chain.unshift(file)
      if (file !== target) continue
      const name = (f: string) => relative(rootDir, f) || f
      const path = [...chain, target].map(name).join(' → ')
      throw new ConfigError([{
        ...configIssue(name(by), 'extends', 'a preset that does not extend this file (no cycle)', source),
        message: `${name(by)}: extends: '${source}' makes a cycle (${path}): a preset cannot extend a config that extends it; remove one of these extends`,
      }])
    }
    extendedBy.set(target, by)
  }
}
