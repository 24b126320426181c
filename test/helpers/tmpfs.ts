/**
 * Real small file systems for the disk-full and headroom tests: a tmpfs of a given size (needs
 * root: CI runs as root). Where it cannot be mounted the tests say so loudly and skip; with CI=true
 * that is an error instead.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './tmp.js'

const root = typeof process.getuid === 'function' && process.getuid() === 0
const mounted: string[] = []

/**
 * Unmounts the tmpfs mountTmpfs() mounted so far: after each file's tests, before its temp dirs are
 * removed (test/setup/temp-dirs.ts, also where files share a process and this module).
 */
export function unmountTmpfs(): void {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir])
}

/**
 * A fresh tmpfs of `size` (mount's notation: '2m'), unmounted after the file's tests; undefined when
 * it cannot be mounted. `readOnly`: mounted `ro` (nothing can be written in it, root included).
 */
export function mountTmpfs(size: string, { readOnly = false } = {}): string | undefined {
  if (!root) return undefined
  const dir = join(tempDir('unperf-tmpfs-'), 'disk')
  mkdirSync(dir)
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', readOnly ? `ro,size=${size}` : `size=${size},mode=0700`, 'tmpfs', dir])
  if (r.status !== 0) return undefined
  mounted.push(dir)
  return dir
}

/** Whether a tmpfs can be mounted here (one is mounted to find out); says loudly when not, throws with CI=true. */
export function canMountTmpfs(what: string): boolean {
  if (mountTmpfs('64k') !== undefined) return true
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`[unperf tests] cannot mount a tmpfs and CI=true: the ${what} tests cannot be skipped in CI (run them as root)`)
  console.warn(`\n\x1b[33m[unperf tests] cannot mount a tmpfs (needs root): the ${what.toUpperCase()} TESTS ARE SKIPPED\x1b[0m\n`)
  return false
}
