/**
 * A project without node_modules keeps its config snapshot (and jiti's copies) under
 * `<cache home>/unperf/config-snapshots/`. In a shared cache home (XDG_CACHE_HOME in /tmp, or the
 * `/tmp/unperf-cache-<uid>` fallback of a user without a home) someone else may have made `unperf/`
 * first, or planted `config-snapshots` as a symlink of theirs: only the snapshot dir itself was
 * checked, so the snapshot was written (the config's code, a literal password too) and run under a
 * root another user owns, and written through their link into any dir of the user's. Found by the
 * session 31 security audit on the packed package. Real child processes on the built package.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { snapshotProject } from './_snapshot-project.js'


const project = (): string => snapshotProject('unperf-snap-root-', false)

/** A cache home whose `unperf/` is the user's (0700) and whose `config-snapshots` is a symlink to a 0700 dir of the user's. */
function linkedSnapshots(): { xdg: string; target: string; link: string } {
  const xdg = tempDir('unperf-snap-root-xdg-')
  const root = join(xdg, 'unperf')
  mkdirSync(root, { mode: 0o700 })
  const target = tempDir('unperf-snap-link-target-')
  chmodSync(target, 0o700)
  const link = join(root, 'config-snapshots')
  symlinkSync(target, link)
  return { xdg, target, link }
}

const run = (dir: string, xdg: string) => execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg, UNPERF_CODE_CACHE: '0' } }).trim()

// another user's files need root to make (chown); 65534 is nobody
describe.skipIf(process.getuid?.() !== 0)('the config snapshot under a cache root another user owns', () => {
  it('is neither written nor run under an `unperf/` dir someone else made first (world-writable, theirs)', () => {
    const dir = project()
    const xdg = tempDir('unperf-snap-root-xdg-')
    const root = join(xdg, 'unperf')
    mkdirSync(root)
    chmodSync(root, 0o777)
    chownSync(root, 65534, 65534)
    expect(run(dir, xdg)).toBe('c12 180000')
    expect(run(dir, xdg)).toBe('c12 180000')
    expect(existsSync(join(root, 'config-snapshots'))).toBe(false)
  })

  it('is never written through `config-snapshots` planted as their symlink to a dir of the user\'s', () => {
    const dir = project()
    const { xdg, target, link } = linkedSnapshots()
    lchownSync(link, 65534, 65534)
    expect(run(dir, xdg)).toBe('c12 180000')
    expect(run(dir, xdg)).toBe('c12 180000')
    expect(readdirSync(target)).toEqual([])
  })

  it('the user\'s own root and link are theirs to place: the snapshot is written and used', () => {
    const dir = project()
    const { xdg, target } = linkedSnapshots()
    expect(run(dir, xdg)).toBe('c12 180000')
    expect(run(dir, xdg)).toBe('snapshot 180000')
    expect(readdirSync(target).length).toBeGreaterThan(0)
  })
})
