/**
 * `unperf doctor`: a CLI published without its perf.config (package.json `files` leaves it out)
 * runs on the defaults once installed, without a word. What `npm pack` would publish is asked of
 * npm itself (`--dry-run`, no scripts): `files`, `.npmignore` and npm's own rules, exactly.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { relative, sep } from 'node:path'

/** Why the config would not be published, or undefined (published, not a published package, npm unavailable). */
export function configLeftOutOfPackage(rootDir: string, configFile: string | undefined): string | undefined {
  if (!configFile) return undefined
  const rel = relative(rootDir, configFile).split(sep).join('/')
  if (rel.startsWith('../')) return undefined
  let pkg: { private?: unknown; files?: unknown }
  try {
    pkg = JSON.parse(readFileSync(`${rootDir}/package.json`, 'utf8')) as typeof pkg
  } catch {
    return undefined
  }
  // a private package is never published; without `files` npm publishes everything not ignored
  if (pkg.private === true || !Array.isArray(pkg.files)) return undefined
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: rootDir, encoding: 'utf8', timeout: 30_000, shell: process.platform === 'win32' })
  let listed: { files?: { path: string }[] }[]
  try {
    listed = JSON.parse(r.stdout) as typeof listed
  } catch {
    return undefined
  }
  const files = listed[0]?.files?.map(f => f.path)
  if (!files || files.includes(rel)) return undefined
  return `${rel} is not in what npm would publish (package.json "files"): the installed CLI would run on the defaults; add it to "files"`
}
