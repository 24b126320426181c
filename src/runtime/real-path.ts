/**
 * A path's real path (symlinks resolved) for the start path's two: the host CLI's entry
 * (adapters/_shared.ts hostRootDir) and the project dir (project.ts projectId).
 */

/**
 * fs.realpathSync, through the C library's realpath(3) on Linux: one call, ≈ 0.15 kB of young
 * generation, where node's own walk makes a Stats object for every component of the path (≈ 1.1–1.4 kB
 * for a short one) on every warm start. Where that fails with a system error (musl's realpath reads
 * /proc, which a sandbox may not mount), and on other systems, node's own: macOS's realpath(3) gives
 * a name's on-disk case and Windows' a mapped drive's UNC path, and the project id is a hash of this
 * path. node:fs itself, not the build's wrappers of its functions (scripts/build.mjs): those have no
 * `.native`.
 */
export function realPath(path: string): string {
  const { realpathSync } = process.getBuiltinModule('node:fs') as typeof import('node:fs')
  if (process.platform === 'linux') {
    try {
      return realpathSync.native(path)
    } catch (error) {
      if (typeof (error as { code?: unknown } | null)?.code !== 'string') throw error
    }
  }
  return realpathSync(path)
}
