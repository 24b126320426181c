/**
 * The cap over all namespaces (runtime/cache/budget.ts) reads and writes the scope dir beside the fs
 * tiers: its `.budget` summary, and the other namespaces' dirs it finds there (to evict across them).
 * Under a cache root someone else could write to (a shared XDG_CACHE_HOME where another user made
 * the dirs first), the tiers refuse the dirs; neither the cap nor the sweep a write starts may go on
 * working in them: no summary written through a scope dir planted as a symlink, no file removed
 * through a namespace dir planted as a symlink to a dir of the user's.
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'

/** The scope dir name a manager on this cwd uses (from a clean cache dir). */
async function scopeName(cwd: string): Promise<string> {
  const dir = join(tempDir('unperf-budget-clean-'), 'cache')
  const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
  await cache.set('k', 'v')
  await m.close()
  return readdirSync(dir).find(n => n.startsWith('s_'))!
}

describe('the cache-wide cap under a cache root others can write to', () => {
  it('writes no summary through a scope dir planted as a symlink to a dir of the user\'s own', async () => {
    const cwd = tempDir('unperf-budget-cwd-')
    const scope = await scopeName(cwd)
    const dir = join(tempDir('unperf-budget-shared-'), 'cache')
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    const victim = tempDir('unperf-budget-victim-')
    symlinkSync(victim, join(dir, scope))
    const { m, cache, warnings } = buildManager({ driver: ['memory', 'fs'], dir, cwd })
    await cache.set('k', 'v')
    await m.close()
    expect(warnings.join('\n')).toMatch(/refusing the cache dir .*writable by everyone/)
    expect(readdirSync(victim)).toEqual([])
  })

  it('sweeps no namespace dir planted as a symlink (the first write\'s sweep removes what does not read as an entry)', async () => {
    const cwd = tempDir('unperf-budget-cwd-')
    const scope = await scopeName(cwd)
    const dir = join(tempDir('unperf-budget-shared-'), 'cache')
    mkdirSync(join(dir, scope), { recursive: true })
    const victim = tempDir('unperf-budget-victim-')
    writeFileSync(join(victim, 'notes.e'), 'the user\'s own file\n')
    symlinkSync(victim, join(dir, scope, 'n-default'))
    chmodSync(join(dir, scope), 0o777)
    chmodSync(dir, 0o777)
    const { m, cache } = buildManager({ driver: ['memory', 'fs'], dir, cwd })
    await cache.set('k', 'v')
    await m.close()
    expect(readdirSync(victim)).toEqual(['notes.e'])
    rmSync(join(dir, scope, 'n-default'))
  })
})
