/**
 * The cache scope: entries live under `<cache dir>/s_<version>_<project id>_<inputs hash>/`
 * (and the same id in Redis prefixes), so a new version or a change to `invalidate.files` starts
 * from an empty scope, one project on many CI machines shares a scope, and two projects never do.
 * Scopes unused for `scopeMaxAge` are removed in the background, at most once a day per cache dir.
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { checkDirSafe } from '../../drivers/cache-dir-safety.js'
import { projectId, safeDirName } from '../project.js'
import { makeDirSync } from '../make-dir.js'
import { writeFileNoFollowSync } from '../write-file-atomic.js'
import { readFileNoFollowSync } from '../read-file-no-follow.js'
import { hashFiles } from './file-hash.js'

export interface CacheScope {
  id: string
  dir: string
}

const SCOPE_DIR = /^s_/
const PRUNE_EVERY_MS = 86_400_000

export async function resolveScope(config: ResolvedPerfConfig): Promise<CacheScope> {
  const { cache } = config
  const parts = [
    cache.invalidate.version ? safeDirName(config.version) : 'any',
    projectId(config.cwd, cache.scope),
  ]
  if (cache.invalidate.files.length > 0) parts.push((await hashFiles(cache.invalidate.files, config.cwd)).slice(0, 12))
  const id = `s_${parts.join('_')}`
  return { id, dir: join(cache.dir, id) }
}

/** Marks the scope used (once per process) and prunes scopes unused for maxAge. Never throws. */
export async function touchAndPruneScopes(baseDir: string, scope: CacheScope, maxAgeMs: number): Promise<string[]> {
  const removed: string[] = []
  try {
    // mark the scope used, at most once an hour (no write on every start). The small reads and
    // writes are sync: they run once per process, on its first cache operation, where each
    // thread-pool round trip waited ~0.5–2 ms behind the loop's other work
    const marked = fs.statSync(join(scope.dir, '.last-used'), { throwIfNoEntry: false })?.mtimeMs ?? 0
    const mark = Date.now() - marked > 3_600_000
    // nothing made, written (nor removed) in a dir someone else could write to: they could have planted
    // `.last-used -> ~/.bashrc`, or the cache root as a link into a dir of the user's. The fs tiers'
    // own check of these dirs (remembered: no extra stat); the scope dir made only in a safe root
    if (mark) {
      if (!fs.existsSync(baseDir)) makeDirSync(baseDir, 0o700)
      if (await checkDirSafe(baseDir)) makeDirSync(scope.dir, 0o700)
    }
    const safe = await Promise.all([checkDirSafe(scope.dir), checkDirSafe(baseDir)])
    if (!safe[0] || !safe[1]) return removed
    if (mark) writeFileNoFollowSync(join(scope.dir, '.last-used'), String(Date.now()))
    const marker = join(baseDir, '.last-scope-prune')
    let last = 0
    try { last = Number(readFileNoFollowSync(marker)) } catch { /* never pruned (or not a file: nothing is written there either) */ }
    // a marker from the future (written while the clock was ahead, then corrected) is due: else no
    // scope was pruned until the clock caught up with it
    const since = Date.now() - last
    if (since >= 0 && since < PRUNE_EVERY_MS) return removed
    writeFileNoFollowSync(marker, String(Date.now()))
    for (const name of await fsp.readdir(baseDir)) {
      if (!SCOPE_DIR.test(name) || name === scope.id) continue
      const used = await fsp.stat(join(baseDir, name, '.last-used')).then(s => s.mtimeMs, () => 0)
      if (Date.now() - used > maxAgeMs) {
        await fsp.rm(join(baseDir, name), { recursive: true, force: true })
        removed.push(name)
      }
    }
  } catch {
    // an unwritable cache dir is reported by the tiers themselves
  }
  return removed
}

/** Scopes in a cache dir with their size and last use (for `unperf doctor` and `cache info`). */
export async function listScopes(baseDir: string): Promise<{ id: string; lastUsed: number; bytes: number }[]> {
  const out: { id: string; lastUsed: number; bytes: number }[] = []
  const names = await fsp.readdir(baseDir).catch(() => [] as string[])
  for (const name of names) {
    if (!SCOPE_DIR.test(name)) continue
    const dir = join(baseDir, name)
    const lastUsed = await fsp.stat(join(dir, '.last-used')).then(s => s.mtimeMs, () => 0)
    out.push({ id: name, lastUsed, bytes: await dirSize(dir) })
  }
  return out
}

async function dirSize(dir: string): Promise<number> {
  let total = 0
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) total += await dirSize(p)
    else total += await fsp.stat(p).then(s => s.size, () => 0)
  }
  return total
}
