/**
 * Unused scopes are pruned at most once a day per cache dir, by a `.last-scope-prune` marker holding
 * the time of the last prune. A marker written while the clock was ahead (a VM booted with a wrong
 * clock, then corrected by NTP) stopped every prune until the clock caught up with it: a year for
 * a year's jump, while old scopes piled up. Real dirs, real marker files.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { touchAndPruneScopes } from '../../src/runtime/cache/scope.js'
import { tempDir } from '../helpers/tmp.js'

const DAY = 86_400_000

/** A cache dir with a scope last used 30 days ago and the current one; the prune marker at `markedAt`. */
function cacheDir(markedAt: number) {
  const base = tempDir('unperf-scope-clock-')
  const old = join(base, 's_0.9.0_proj')
  mkdirSync(old, { mode: 0o700 })
  writeFileSync(join(old, '.last-used'), '')
  const long = new Date(Date.now() - 30 * DAY)
  utimesSync(join(old, '.last-used'), long, long)
  writeFileSync(join(base, '.last-scope-prune'), String(markedAt), { mode: 0o600 })
  return { base, old, current: { id: 's_1.0.0_proj', dir: join(base, 's_1.0.0_proj') } }
}

describe('scope pruning and the clock', () => {
  it('a prune marker from a year ahead does not stop pruning: the unused scope goes', async () => {
    const { base, old, current } = cacheDir(Date.now() + 365 * DAY)
    expect(await touchAndPruneScopes(base, current, 7 * DAY)).toEqual(['s_0.9.0_proj'])
    expect(existsSync(old)).toBe(false)
    expect(existsSync(join(current.dir, '.last-used'))).toBe(true)
  })

  it('a prune an hour ago: not due, the unused scope stays until tomorrow', async () => {
    const { base, old, current } = cacheDir(Date.now() - 3_600_000)
    expect(await touchAndPruneScopes(base, current, 7 * DAY)).toEqual([])
    expect(existsSync(old)).toBe(true)
  })
})
