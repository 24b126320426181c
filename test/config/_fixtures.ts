import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
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
