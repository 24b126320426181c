/**
 * No perf.config in rootDir while one is in a parent dir (a monorepo's root above the CLI's package,
 * a repository above the package being run): the config is looked for in rootDir alone (c12 does
 * not walk up), so the run took the defaults, and `unperf config` said "none: defaults only" with
 * no word about the file the user wrote. `unperf config` and `unperf doctor` name it; a host's start
 * does no such walk (startup is the product).
 */
import { existsSync, statSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { configCandidates } from '../config/config-candidates.js'
import { homeDir } from '../runtime/project.js'

/**
 * The warning, or undefined when rootDir has a config file (or one was named: `configFile`) or no
 * parent dir up to the repository's root (`.git`) has one. Never looks in the home dir or above it.
 */
export function parentConfigWarning(rootDir: string, configFile: string | undefined): string | undefined {
  if (configFile !== undefined) return undefined
  // (HOME unset: the system's answer, as the platform cache dir takes it)
  const home = homeDir()
  if (rootDir === home) return undefined
  let dir = rootDir
  for (let i = 0; i < 50; i++) {
    // the repository's root is the last dir looked in
    if (statSync(join(dir, '.git'), { throwIfNoEntry: false })) return undefined
    const parent = dirname(dir)
    if (parent === dir || parent === home) return undefined
    dir = parent
    const found = configCandidates(dir, undefined).find(f => existsSync(f))
    if (found) {
      // pasted into a config as a string: '/' on Windows too (`'..\\..\\perf.config.mjs'` reads `\\p` as an escape)
      const rel = relative(rootDir, found).split(sep).join('/')
      return `no perf.config in ${rootDir}, so ${found} (in a parent dir) is not read: the config is looked for in rootDir alone (a host CLI's own package; the project dir for unperf). Extend it from a perf.config there (export default { extends: '${rel}' }), or give unperf --root-dir ${dir}`
    }
  }
  return undefined
}
