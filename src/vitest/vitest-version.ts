/**
 * The version of the vitest running the reporter. vitest 2.0 and later give it as `vitest.version`;
 * vitest 1.x has no such property, so its runs were taken for a version that cannot be read (given
 * the benefit of the doubt) and recorded, though the reporter reads its results wrong and says it
 * refuses versions before 2.1. Without the property the version comes from vitest's package.json:
 * the one of the vitest CLI this process runs (`node_modules/.bin/vitest`), else the one the project
 * resolves (`<root>/node_modules/vitest`, or in a dir above it).
 */
import { readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { VitestLike } from './vitest-shapes.js'

export function vitestVersion(vitest: VitestLike, root: string): string | undefined {
  if (typeof vitest.version === 'string') return vitest.version
  return cliPackageVersion(process.argv[1]) ?? installedVersion(root)
}

/** The package.json nearest above the script this process runs, when it is vitest's. */
function cliPackageVersion(script: string | undefined): string | undefined {
  if (!script) return undefined
  let dir: string
  try { dir = dirname(realpathSync(script)) } catch { return undefined }
  for (;;) {
    const pkg = readPackage(join(dir, 'package.json'))
    if (pkg) return pkg.name === 'vitest' ? pkg.version : undefined
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

/** `node_modules/vitest` as node resolves it from `root`: in root or the nearest dir above that has one. */
function installedVersion(root: string): string | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    const pkg = readPackage(join(dir, 'node_modules', 'vitest', 'package.json'))
    if (pkg?.name === 'vitest') return pkg.version
    if (dirname(dir) === dir) return undefined
  }
}

function readPackage(file: string): { name?: unknown; version: string | undefined } | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }
    return { name: pkg.name, version: typeof pkg.version === 'string' ? pkg.version : undefined }
  } catch {
    return undefined
  }
}

/**
 * vitest before 2.1: its results are not read right (a `--bail` run, say, would pass for a whole
 * run), so nothing is recorded. A version that cannot be read is given the benefit of the doubt.
 */
export function unsupportedVitest(version: string | undefined): string | undefined {
  const match = version === undefined ? null : /^(\d+)\.(\d+)\./.exec(version)
  if (!match) return undefined
  const major = Number(match[1])
  const minor = Number(match[2])
  if (major > 2 || (major === 2 && minor >= 1)) return undefined
  return `test history not recorded: vitest ${version} is not supported (unperf/vitest needs vitest >= 2.1; upgrade vitest or remove the reporter)`
}
