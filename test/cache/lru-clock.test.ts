/**
 * The fs tier's LRU order comes from the files' mtimes (the last write or hit). An entry written
 * while the clock was a year ahead (then corrected by NTP) kept the most recent mtime of the dir
 * for that year: never read again, it outlived every other entry, and each run's new entry was
 * evicted by the next run in its place. An mtime from the future now counts as the oldest.
 */
import { readdirSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

describe('LRU order and the clock', () => {
  it('an entry stamped a year ahead is evicted first, not each run\'s new entry', async () => {
    const first = manager({ driver: 'fs', maxSize: 10_000, compress: false })
    await first.cache.set('stale', 'x'.repeat(4000))
    await first.cache.set('b', 'x'.repeat(4000))
    await first.m.close()
    const ns = join(first.dir, readdirSync(first.dir).find(n => n.startsWith('s_'))!, 'n-default')
    const ahead = new Date(Date.now() + 365 * 86_400_000)
    utimesSync(join(ns, 'stale.e'), ahead, ahead)
    const kept: string[] = []
    for (let run = 0; run < 2; run++) {
      const p = manager({ dir: first.dir, cwd: first.cwd, driver: 'fs', maxSize: 10_000, compress: false })
      await p.cache.set(`new${run}`, 'y'.repeat(4000))
      await p.m.close()
      kept.push(readdirSync(ns).filter(n => n.endsWith('.e')).sort().join(' '))
    }
    expect(kept).toEqual(['b.e new0.e', 'new0.e new1.e'])
  })
})
