/**
 * Vitest globalSetup: the whole run's platform cache dir is a temp dir (XDG_CACHE_HOME, inherited
 * by the test workers and every child process they start), so tests never write into the
 * developer's ~/.cache: config snapshots of temp projects, code caches, default cache dirs.
 * A test that needs its own sets XDG_CACHE_HOME itself.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'unperf-test-cache-home-'))
  const saved = process.env.XDG_CACHE_HOME
  process.env.XDG_CACHE_HOME = dir
  return () => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME
    else process.env.XDG_CACHE_HOME = saved
    rmSync(dir, { recursive: true, force: true })
  }
}
