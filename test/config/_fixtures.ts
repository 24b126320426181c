import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { tempDir } from '../helpers/tmp.js'

/** A temp project with the given files (path → content). */
export function project(files: Record<string, string>): string {
  const dir = tempDir('unperf-config-')
  mkdirSync(join(dir, 'node_modules')) // as a project that installed unperf has: the config snapshot goes there
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  return dir
}

export const PKG = JSON.stringify({ name: 'acme-cli', version: '1.4.0', type: 'module' })

/**
 * A project without node_modules (its config snapshot goes to the platform cache dir), run with
 * XDG_CACHE_HOME in a dir of its own beside it; `fn` gets both. The env and the dir are restored after.
 */
export async function withoutNodeModules(files: Record<string, string>, fn: (dir: string, xdg: string) => Promise<void>): Promise<void> {
  const dir = project(files)
  rmSync(join(dir, 'node_modules'), { recursive: true })
  const xdg = join(dir, '..', `${basename(dir)}-xdg`)
  const saved = process.env.XDG_CACHE_HOME
  process.env.XDG_CACHE_HOME = xdg
  try {
    await fn(dir, xdg)
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME
    else process.env.XDG_CACHE_HOME = saved
    rmSync(xdg, { recursive: true, force: true })
  }
}
