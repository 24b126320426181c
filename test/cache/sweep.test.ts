/**
 * Issue 4, limits: expired entries nobody reads again are swept, never left to grow forever.
 * The first write of a process sweeps a namespace when its last sweep (a `.swept` marker's mtime,
 * shared by all processes) is over an hour old.
 */
import { readdirSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

function find(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile() && e.name === name).map(e => join(e.parentPath, e.name))
}
const entryFiles = (dir: string) => readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile() && e.name.endsWith('.e')).map(e => e.name)

describe('opportunistic sweep of expired entries (fs)', () => {
  it('a later process sweeps expired entries no one reads, at most once per hour', async () => {
    const first = manager({ driver: 'fs' })
    await first.cache.set('keep', 'z', { ttl: 60_000 }) // the first write sweeps (nothing to do) and marks the time
    await first.m.close()

    // a sweep ran less than an hour ago: the next process does not rescan
    const second = manager({ dir: first.dir, cwd: first.cwd })
    await second.cache.set('old-1', 'x', { ttl: 1 })
    await second.cache.set('old-2', 'y', { ttl: 1 })
    await second.cache.set('other', 1)
    await second.m.close()
    await new Promise(r => setTimeout(r, 20))
    expect(entryFiles(first.dir).sort()).toEqual(['keep.e', 'old-1.e', 'old-2.e', 'other.e'])

    // an hour later, the first write of a process sweeps in the background
    const [marker] = find(first.dir, '.swept')
    expect(marker).toBeDefined()
    const past = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(marker!, past, past)
    const third = manager({ dir: first.dir, cwd: first.cwd })
    const evicted: string[] = []
    third.hooks.hook('cache:evict', e => { evicted.push(`${e.key}:${e.reason}`) })
    await third.cache.set('another', 2)
    await third.m.close()
    expect(entryFiles(first.dir).sort()).toEqual(['another.e', 'keep.e', 'other.e'])
    expect(evicted.sort()).toEqual(['old-1:expired', 'old-2:expired'])
    expect(third.m.stats().evictions).toBe(2)
  })

  it('a long-running process sweeps again when the hour is up, not only at its first write', async () => {
    const c = manager({ driver: 'fs' })
    const evicted: string[] = []
    c.hooks.hook('cache:evict', e => { evicted.push(`${e.key}:${e.reason}`) })
    await c.cache.set('keep', 'z', { ttl: 60_000 }) // the process's first write sweeps (nothing to do) and marks the time
    await c.cache.set('old-1', 'x', { ttl: 1 })
    await c.cache.set('old-2', 'y', { ttl: 1 })
    // the same process an hour later (another process's sweep is as old): its writes go on
    const [marker] = find(c.dir, '.swept')
    const past = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(marker!, past, past)
    await new Promise(r => setTimeout(r, 20))
    for (let i = 0; i < 1000; i++) await c.cache.set('busy', i)
    await c.m.close()
    // before: asked only at its first write, the process never swept again (72 000 files of 100 ms
    // entries in 2 min of a soak, all kept until maxSize)
    expect(evicted.sort()).toEqual(['old-1:expired', 'old-2:expired'])
    expect(entryFiles(c.dir).sort()).toEqual(['busy.e', 'keep.e'])
  })

  it('a marker from the future (written while the clock was a year ahead, then corrected) does not stop the sweep for that year', async () => {
    const first = manager({ driver: 'fs' })
    await first.cache.set('seed', 1) // sweeps (nothing to do) and marks the time
    await first.m.close()
    const second = manager({ dir: first.dir, cwd: first.cwd })
    await second.cache.set('old', 'x', { ttl: 1 }) // not swept: the last sweep was a moment ago
    await second.m.close()
    const [marker] = find(first.dir, '.swept')
    const ahead = new Date(Date.now() + 365 * 86_400_000)
    utimesSync(marker!, ahead, ahead)
    await new Promise(r => setTimeout(r, 20))
    const third = manager({ dir: first.dir, cwd: first.cwd })
    const evicted: string[] = []
    third.hooks.hook('cache:evict', e => { evicted.push(`${e.key}:${e.reason}`) })
    await third.cache.set('new', 1)
    await third.m.close()
    expect(evicted).toEqual(['old:expired'])
    expect(entryFiles(first.dir).sort()).toEqual(['new.e', 'seed.e'])
  })
})
