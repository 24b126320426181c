import { chmodSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { tempDir } from '../helpers/tmp.js'

/**
 * test/cache/_config.ts (a real cache manager over real tiers) bundled as `<libDir>/cache.mjs` for
 * the child processes of the reliability tests: the dir is readable by an unprivileged child, and
 * the bundle's packages resolve from the repo's node_modules.
 */
export async function bundleCacheLib(prefix: string): Promise<{ lib: string; libDir: string }> {
  const libDir = tempDir(prefix)
  chmodSync(libDir, 0o755)
  const lib = join(libDir, 'cache.mjs')
  await build({ entryPoints: [join(import.meta.dirname, '../cache/_config.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: lib, logLevel: 'error' })
  symlinkSync(join(import.meta.dirname, '../../node_modules'), join(libDir, 'node_modules'))
  return { lib, libDir }
}
