/**
 * Where c12 looks for the main config file, in its order: what the cold path (c12.ts, the snapshot's
 * inputs in snapshot-write.ts, config-files.ts) and `unperf init` look at. A warm start reads the
 * snapshot's manifest instead, so this is not on the start path.
 */
import { statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'

/** c12's resolution order for `perf.config`. */
const EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts', '.json', '.jsonc', '.json5', '.yaml', '.yml', '.toml']

/** The candidate paths c12 would try for the main config, in order. */
export function configCandidates(rootDir: string, configFile: string | undefined): string[] {
  const name = configFile ?? 'perf.config'
  const base = resolve(rootDir, name)
  if (extname(name) && EXTENSIONS.includes(extname(name))) return [base]
  const stem = name.replace(/\.config$/, '')
  return [
    ...EXTENSIONS.map(ext => base + ext),
    ...EXTENSIONS.map(ext => resolve(rootDir, '.config', stem) + ext),
    ...EXTENSIONS.map(ext => resolve(rootDir, '.config', name) + ext),
  ]
}

/**
 * The candidates a snapshot records as its inputs (snapshot-write.ts), in the root and in a preset's
 * dir: every one, also those after the one loaded, so a second config file made later makes the
 * snapshot stale and the cold load refuses the pair (config-files.ts); the `.config/` ones as that
 * dir alone while there is none (one stat on a warm start, not 24).
 */
export function candidateInputs(dir: string, configFile: string | undefined): string[] {
  const configDir = join(dir, '.config')
  const noConfigDir = !statSync(configDir, { throwIfNoEntry: false })
  return [...new Set(configCandidates(dir, configFile).map(c => noConfigDir && c.startsWith(configDir + sep) ? configDir : c))]
}
