/**
 * The fs tier leaves the last bytes of its file system to other programs (fs-headroom.ts): a write
 * that would leave less than 1 % of it (at most 1 GiB) free evicts least recently used entries
 * first, or is skipped. Before, it evicted only on ENOSPC: the cache filled a small disk to its
 * last byte, and the next program to write there failed.
 *
 * A real 2 MiB tmpfs (needs root: CI runs as root; elsewhere the test says so loudly and skips,
 * and with CI=true it fails instead).
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, statfsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { minFree } from '../../src/drivers/fs-headroom.js'
import { manager } from '../cache/_manager.js'
import { canMountTmpfs, mountTmpfs } from '../helpers/tmpfs.js'

const canMount = canMountTmpfs('disk-headroom')

function free(disk: string): { avail: number; total: number } {
  const st = statfsSync(disk)
  return { avail: st.bavail * st.bsize, total: st.blocks * st.bsize }
}

function tmpFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith('.tmp')) out.push(e.name)
  return out
}

describe.skipIf(!canMount)('disk headroom', () => {
  it('filling a 2 MiB disk, the cache never leaves less than 1 % of it free: it evicts first, and another program can still write', async () => {
    const disk = mountTmpfs('2m')!
    const { total } = free(disk)
    const keep = minFree(total)
    expect(keep).toBe(Math.floor(total / 100))
    const { cache, warnings, hooks, m } = manager({ driver: 'fs', dir: join(disk, 'cache'), compress: false, maxSize: 100e6 })
    const errors: string[] = []
    const evicted: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code}: ${(e.error as Error).message}`) })
    hooks.hook('cache:evict', e => { if (e.reason === 'lru') evicted.push(e.key) })
    // 3 MB of 30 kB entries (8 pages each) into 2 MiB, maxSize far away: only the disk limits. On
    // ENOSPC alone the 62nd left 16 KiB free, and writes went on meeting a full disk
    let least = Infinity
    for (let i = 0; i < 100; i++) {
      await cache.set(`k${i}`, randomBytes(30_000))
      least = Math.min(least, free(disk).avail)
    }
    await m.close()
    expect(least).toBeGreaterThanOrEqual(keep)
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    for (let i = 95; i < 100; i++) expect(await cache.get(`k${i}`)).not.toBeNull()
    expect(await cache.get('k0')).toBeNull()
    expect(evicted).toContain('k0')
    expect(evicted).not.toContain('k99')
    // the room left is there for others: a file of nearly all of it is written
    writeFileSync(join(disk, 'other-program'), Buffer.alloc(keep - 4096))
    expect(tmpFiles(disk)).toEqual([])
  })

  it('a burst of concurrent writes on a full disk never takes it below the headroom: each counts the others in flight', async () => {
    const disk = mountTmpfs('1m')!
    const { total } = free(disk)
    const keep = minFree(total)
    const { cache, hooks, m } = manager({ driver: 'fs', dir: join(disk, 'cache'), compress: false, maxSize: 100e6 })
    const errors: string[] = []
    const evicted: string[] = []
    hooks.hook('cache:error', e => { errors.push(`${e.code}: ${(e.error as Error).message}`) })
    hooks.hook('cache:evict', e => { evicted.push(e.key) })
    for (let i = 0; i < 9; i++) await cache.set(`old${i}`, randomBytes(100_000))
    // the free space at each turn of the event loop while the burst runs: a reading of the free
    // space forgot the writes admitted before it and still in the thread pool, so each of the 6 was
    // told it fit, and they took the disk to 0 bytes free (ENOSPC, evicting only then)
    let least = Infinity
    let sampling = true
    const sampled = new Promise<void>(resolve => {
      const sample = () => {
        least = Math.min(least, free(disk).avail)
        if (sampling) setImmediate(sample)
        else resolve()
      }
      sample()
    })
    await Promise.all(Array.from({ length: 6 }, (_, i) => cache.set(`burst${i}`, randomBytes(100_000))))
    sampling = false
    await sampled
    await m.close()
    expect(least, `evicted: ${evicted.join(' ')}`).toBeGreaterThanOrEqual(keep)
    expect(errors).toEqual([])
    for (let i = 0; i < 6; i++) expect(await cache.get(`burst${i}`), `burst${i} lost; evicted: ${evicted.join(' ')}`).not.toBeNull()
    // the oldest went, none of the burst's; 5 make room for it, 6 do when each write counts one
    // block more than its own (the tier's small files) for every write in flight; 7 seen once, run
    // after the other serial files under load (not traced: presumably a reading made between a
    // write's bytes landing and its landed(), which counts them twice until the next reading)
    expect(evicted.every(k => k.startsWith('old')), evicted.join(' ')).toBe(true)
    expect(evicted.length, evicted.join(' ')).toBeGreaterThanOrEqual(5)
    expect(evicted.length, evicted.join(' ')).toBeLessThanOrEqual(7)
    expect(tmpFiles(disk)).toEqual([])
  })

  it('a disk filled by something else to below the headroom: a write the cache cannot make room for is skipped without evicting, one warning naming the dir', async () => {
    const disk = mountTmpfs('2m')!
    const dir = join(disk, 'cache')
    const { total } = free(disk)
    const keep = minFree(total)
    const { cache, warnings, hooks, m } = manager({ driver: 'fs', dir, compress: false, maxSize: 100e6 })
    const errors: { code: string; errno: string | undefined; message: string }[] = []
    const evicted: string[] = []
    hooks.hook('cache:error', e => { errors.push({ code: e.code, errno: (e.error as NodeJS.ErrnoException).code, message: (e.error as Error).message }) })
    hooks.hook('cache:evict', e => { evicted.push(e.key) })
    // another program leaves the disk with the headroom and 28 KiB (less the filler's rounding up
    // to a block and the cache's own small files): room for small entries, not for a 40 kB one
    writeFileSync(join(disk, 'filler'), Buffer.alloc(free(disk).avail - keep - 28 * 1024))
    await cache.set('small', 'made the dirs')
    await cache.set('big', randomBytes(40_000))
    expect(await cache.get('big')).toBeNull()
    expect(await cache.get('small')).toBe('made the dirs')
    expect(evicted).toEqual([])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'E_WRITE', errno: 'ENOSPC' })
    expect(errors[0]!.message).toContain(`writing to ${dir}`)
    expect(errors[0]!.message).toContain('would leave less than')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(dir)
    // a small one still fits; the next large one is skipped at once (no listing of the dir for each)
    await cache.set('tiny', 'fits')
    expect(await cache.get('tiny')).toBe('fits')
    await cache.set('big2', randomBytes(40_000))
    expect(await cache.get('big2')).toBeNull()
    expect(errors).toHaveLength(2)
    expect(errors[1]!.message).toContain('the write was skipped')
    expect(warnings).toHaveLength(1)
    expect(evicted).toEqual([])
    expect(free(disk).avail).toBeGreaterThanOrEqual(keep)
    expect(tmpFiles(disk)).toEqual([])
    await m.close()
  })
})
