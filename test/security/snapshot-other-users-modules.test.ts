/**
 * A process run in a project whose node_modules belongs to another user (root: `sudo unperf doctor`,
 * `sudo unperf config` in a user's project; a container's root over the node user's install) makes
 * nothing in it: the config snapshot and jiti's copies go to the running user's platform cache dir
 * (s31 audit of the read-only CLI commands: they made a root-owned 0700 node_modules/.cache, which
 * kept the project's owner and their tools from writing their caches there). A snapshot the owner
 * built there is still read. Real child processes on the built package; the other user's files need
 * root to make (chown, 65534 is nobody).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { snapshotProject } from './_snapshot-project.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')
const NOBODY = 65_534

const project = (): string => snapshotProject('unperf-snap-modules-', true)

const env = (xdg: string) => ({ ...process.env, XDG_CACHE_HOME: xdg, UNPERF_CODE_CACHE: '0', NO_COLOR: '1' })
const run = (dir: string, xdg: string, as?: number) => execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: env(xdg), ...(as !== undefined && { uid: as, gid: as }) }).trim()

describe.skipIf(process.getuid?.() !== 0)('the config snapshot in a project whose node_modules is another user\'s', () => {
  it('read-only CLI commands make nothing in it: the snapshot goes to the running user\'s cache dir, and is used', () => {
    const dir = project()
    chownSync(join(dir, 'node_modules'), NOBODY, NOBODY)
    const xdg = tempDir('unperf-snap-modules-xdg-')
    for (const args of [['config'], ['doctor'], ['cache', 'info'], ['report'], ['budget']]) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: env(xdg), encoding: 'utf8', timeout: 60_000 })
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).not.toBe(2)
      expect(readdirSync(join(dir, 'node_modules')), args.join(' ')).toEqual([])
    }
    expect(readdirSync(join(xdg, 'unperf', 'config-snapshots')).length).toBeGreaterThan(0)
    // a start as root there: the snapshot of its own cache dir, nothing made in theirs
    expect(run(dir, xdg)).toBe('snapshot 180000')
    expect(readdirSync(join(dir, 'node_modules'))).toEqual([])
  }, 120_000)

  it('the owner\'s own runs keep building and reading it in their node_modules; root reads what they built', () => {
    const dir = project()
    for (const path of [dir, join(dir, 'node_modules'), join(dir, 'package.json'), join(dir, 'perf.config.ts'), join(dir, 'main.mjs')]) chownSync(path, NOBODY, NOBODY)
    const theirs = tempDir('unperf-snap-modules-owner-xdg-')
    chownSync(theirs, NOBODY, NOBODY)
    expect(run(dir, theirs, NOBODY)).toBe('c12 180000')
    expect(run(dir, theirs, NOBODY)).toBe('snapshot 180000')
    expect(existsSync(join(dir, 'node_modules', '.cache', 'unperf', 'config'))).toBe(true)
    const xdg = tempDir('unperf-snap-modules-xdg-')
    expect(run(dir, xdg)).toBe('snapshot 180000')
    expect(existsSync(join(xdg, 'unperf'))).toBe(false)
  }, 120_000)
})
