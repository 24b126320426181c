/**
 * Promise (issue 8, faults): a full disk never fails the command. The fs tier evicts its least
 * recently used entries and tries the write again (a full disk was a skipped write before, however
 * much of it the cache held); when that makes no room (the disk is full of something else), the
 * write is skipped: `cache:error` (E_WRITE, its error ENOSPC saying "disk full" and the dir), one
 * warning, no temp file left, and for a while later writes that meet the full disk skip the
 * eviction (else a disk filled by others would cost the cache every entry, a few per set).
 *
 * Uses a real 1 MiB tmpfs (needs root: CI runs as root; elsewhere the test says so loudly and
 * skips, and with CI=true it fails instead).
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, statfsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { minFree } from '../../src/drivers/fs-headroom.js'
import { manager } from '../cache/_manager.js'
import { canMountTmpfs, mountTmpfs } from '../helpers/tmpfs.js'

const canMount = canMountTmpfs('disk-full')

function files(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...files(join(dir, e.name)))
    else out.push(e.name)
  }
  return out
}

describe.skipIf(!canMount)('disk full', () => {
  it('the tier evicts its least recently used entries and the write goes through', async () => {
    const disk = mountTmpfs('1m')!
    const { cache, warnings, hooks, m } = manager({ driver: 'fs', dir: join(disk, 'cache'), compress: false, maxSize: 100e6 })
    const errors: string[] = []
    const evicted: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code}: ${(e.error as Error).message}`) })
    hooks.hook('cache:evict', e => { if (e.reason === 'lru') evicted.push(e.key) })
    const value = 'x'.repeat(40_000)
    // 1.6 MB into 1 MiB, maxSize far away: only the disk limits
    for (let i = 0; i < 40; i++) await cache.set(`k${i}`, value)
    await m.close()
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    // the newest entries are there, the oldest went for them (each eviction announced)
    for (let i = 36; i < 40; i++) expect(await cache.get(`k${i}`)).toBe(value)
    expect(await cache.get('k0')).toBeNull()
    expect(evicted).toContain('k0')
    expect(evicted).not.toContain('k39')
    expect(files(disk).filter(f => f.endsWith('.tmp'))).toEqual([])
  })

  it('a burst of concurrent writes on a full disk evicts for them once, not the whole dir, and keeps every one', async () => {
    const disk = mountTmpfs('1m')!
    const { cache, hooks, m } = manager({ driver: 'fs', dir: join(disk, 'cache'), compress: false, maxSize: 100e6 })
    const evicted: string[] = []
    const errors: string[] = []
    hooks.hook('cache:evict', e => { evicted.push(e.key) })
    hooks.hook('cache:error', e => { errors.push((e.error as Error).message) })
    // 900 kB of the 1 MiB, then 600 kB at once: 5 entries must go, 6 did with the writes' turns one
    // at a time; each write evicting and retrying at once emptied the dir and still lost one
    for (let i = 0; i < 9; i++) await cache.set(`old${i}`, randomBytes(100_000))
    await Promise.all(Array.from({ length: 6 }, (_, i) => cache.set(`burst${i}`, randomBytes(100_000))))
    await m.close()
    expect(errors).toEqual([])
    // the evicted keys in the message: this failed once in CI under load (2026-12-07 23:47) and never since
    for (let i = 0; i < 6; i++) expect(await cache.get(`burst${i}`), `burst${i} lost; evicted: ${evicted.join(' ')}`).not.toBeNull()
    expect(evicted.length).toBeLessThanOrEqual(7)
    let kept = 0
    for (let i = 0; i < 9; i++) if (await cache.get(`old${i}`) !== null) kept++
    expect(kept).toBe(9 - evicted.length)
    expect(files(disk).filter(f => f.endsWith('.tmp'))).toEqual([])
  })

  it('a disk full of something else: the write is skipped with cache:error and one warning naming the dir, no temp file, the rest of the cache kept', async () => {
    const disk = mountTmpfs('1m')!
    const dir = join(disk, 'cache')
    const { cache, warnings, hooks, m } = manager({ driver: 'fs', dir, compress: false, maxSize: 100e6 })
    const errors: { code: string; errno: string | undefined; message: string }[] = []
    hooks.hook('cache:error', e => { errors.push({ code: e.code, errno: (e.error as NodeJS.ErrnoException).code, message: (e.error as Error).message }) })
    await cache.set('first', 'made the dirs')
    // another program fills the disk, leaving 12 KiB above what the tier leaves to other programs
    // (fs-headroom.ts; met as a full disk by a write that finds it so, by ENOSPC by one whose reading
    // of the free space is older than the filler): room for a small entry, not for a 40 kB one
    const { bavail, bsize, blocks } = statfsSync(disk)
    writeFileSync(join(disk, 'filler'), Buffer.alloc(bavail * bsize - minFree(blocks * bsize) - 12 * 1024))
    const big = 'y'.repeat(40_000)
    await cache.set('big1', big) // evicts ('first': not enough), tries again, gives up
    expect(await cache.get('big1')).toBeNull()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'E_WRITE', errno: 'ENOSPC' })
    expect(errors[0]!.message).toContain('disk full')
    expect(errors[0]!.message).toContain(dir)
    // a small entry still fits; the next large write skips the eviction: the small entry stays
    await cache.set('small', 'fits')
    await cache.set('big2', big)
    expect(await cache.get('small')).toBe('fits')
    expect(await cache.get('big2')).toBeNull()
    expect(errors.map(e => e.errno)).toEqual(['ENOSPC', 'ENOSPC'])
    const full = warnings.filter(w => w.includes('disk full'))
    expect(full).toHaveLength(1)
    expect(full[0]).toContain(dir)
    expect(warnings).toHaveLength(1)
    // the command goes on: computing still works
    expect(await cache.wrap('computed', async () => 'still works')).toBe('still works')
    expect(files(disk).filter(f => f.endsWith('.tmp'))).toEqual([])
    await m.close()
  })
})
