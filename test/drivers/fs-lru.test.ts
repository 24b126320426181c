import { utimesSync, writeFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FsLru, preciseNow } from '../../src/drivers/fs-lru.js'
import { tempDir } from '../helpers/tmp.js'

describe('FsLru: the access index of an fs tier', () => {
  it("orders this process's writes made before the index loaded by its own clock, not the files' coarse mtimes", async () => {
    const dir = tempDir()
    const lru = new FsLru(dir, dir + sep)
    // a.e written first, b.e a moment later; the kernel stamped a.e from a clock tick ahead of ours
    writeFileSync(join(dir, 'a.e'), 'aaaa')
    lru.written('a.e', 4)
    const later = new Date(preciseNow() + 4)
    utimesSync(join(dir, 'a.e'), later, later)
    await new Promise(resolve => setTimeout(resolve, 1))
    writeFileSync(join(dir, 'b.e'), 'bb')
    lru.written('b.e', 2)
    const index = await lru.load()
    expect(index.get('a.e')!.access).toBeLessThan(index.get('b.e')!.access)
    expect(lru.bytes).toBe(6)
  })

  it("takes the mtime of an entry another process wrote well after this one's own use", async () => {
    const dir = tempDir()
    const lru = new FsLru(dir, dir + sep)
    writeFileSync(join(dir, 'a.e'), 'a')
    lru.written('a.e', 1)
    // 30 s: well after its own use, well within the minute past which an mtime is a wrong clock's
    // (lastAccess: 60 s ahead of the wall clock counts as the oldest; this was on that edge, and failed
    // in CI once the runtime clock's offset ran ~2 ms ahead of Date.now in a process shared by files)
    const muchLater = new Date(preciseNow() + 30_000)
    utimesSync(join(dir, 'a.e'), muchLater, muchLater)
    writeFileSync(join(dir, 'other.e'), 'o') // never seen by this process: its mtime
    const index = await lru.load()
    expect(index.get('a.e')!.access).toBeCloseTo(muchLater.getTime(), -1)
    expect(index.get('other.e')!.access).toBeGreaterThan(0)
  })

  it('forgets a write whose entry is removed before the index loads', async () => {
    const dir = tempDir()
    const lru = new FsLru(dir, dir + sep)
    lru.written('gone.e', 10)
    lru.forget('gone.e')
    const index = await lru.load()
    expect(index.size).toBe(0)
    expect(lru.bytes).toBe(0)
  })
})
