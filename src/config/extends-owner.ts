/**
 * Which root layer lists an `extends` source, for the message of one that cannot be loaded, when
 * the main config does not (a project whose only config is `.perfrc` or package.json's `perf`):
 * it was blamed on `perf.config`, a file that is not there.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export function rootLayerExtending(rootDir: string, source: string): string | undefined {
  const lists = (value: unknown): boolean => value === source || (Array.isArray(value) && value.some(v => v === source || (Array.isArray(v) && v[0] === source)))
  const rc = read(join(rootDir, '.perfrc'))
  if (rc !== undefined) {
    // key=value lines (`extends=./base.mjs`, `extends[]=./base.mjs`), as c12's rc9 reads them
    if (rc.split(/\r?\n/).some(line => /^\s*extends(\[\])?\s*=/.test(line) && line.slice(line.indexOf('=') + 1).trim().replace(/^(['"])(.*)\1$/, '$2') === source)) return join(rootDir, '.perfrc')
  }
  const pkg = read(join(rootDir, 'package.json'))
  if (pkg !== undefined) {
    try {
      if (lists((JSON.parse(pkg) as { perf?: { extends?: unknown } }).perf?.extends)) return join(rootDir, 'package.json')
    } catch { /* not JSON: named elsewhere */ }
  }
  return undefined
}

function read(file: string): string | undefined {
  try { return readFileSync(file, 'utf8') } catch { return undefined }
}
