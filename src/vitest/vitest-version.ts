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
