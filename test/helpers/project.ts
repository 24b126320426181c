import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './tmp.js'

/** A temp host package: package.json (`name`), perf.config.mjs holding `config`, and any other files (path → content). */
export function projectWith(config: string, files: Record<string, string> = {}, name = 'life-cli'): string {
  const dir = tempDir(`unperf-${name}-`)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), config)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/** The config most lifecycle tests start from: memory cache, report in ./.perf, nothing printed. */
export const BASE = `cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }`
