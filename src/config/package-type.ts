/**
 * Whether node treats a `.js` (or extensionless) file as an ES module: the nearest package.json
 * above it that parses says `"type": "module"`. A package.json that is missing or not JSON is
 * passed over for its parent's, as node does. Off the start path (the CLI's profile, config errors).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export function inModulePackage(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type === 'module'
    } catch { /* none here (or not JSON): the parent's */ }
    if (dirname(dir) === dir) return false
  }
}
