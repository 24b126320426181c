/**
 * Where c12 looks for the main config file, in its order: what the cold path (c12.ts, the snapshot's
 * inputs in snapshot-write.ts, config-files.ts) and `unperf init` look at. A warm start reads the
 * snapshot's manifest instead, so this is not on the start path.
 */
import { extname, resolve } from 'node:path'

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
