/**
 * The fs tier's prune (and its sweep, which runs it in the background after a process's first
 * write) judges expiry by the clock as it is when it reads each entry, not only as it was when the
 * prune began: a sweep begun while the clock was hours ahead (a VM before NTP set it back) removed
 * the entries written after the clock was corrected, fresh ones included. Real fs in a temp dir.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FsTier } from '../../src/drivers/fs.js'
import type { StoredEntry } from '../../src/drivers/types.js'
import { tempDir } from '../helpers/tmp.js'

const HOUR = 3_600_000
const encode = { compress: false as const, integrity: true }
const entry = (key: string, ttl: number, createdAt = Date.now()): StoredEntry => ({ key, value: key, createdAt, expiresAt: createdAt + ttl, staleFor: 0, size: 0 })

describe('fs tier: prune begun on a clock that was ahead', () => {
  it('keeps an entry fresh by the clock as it is now, and still removes one expired by both clocks', async () => {
    const t = new FsTier(join(tempDir('unperf-prune-clock-'), 'ns'), encode)
    await t.set(entry('fresh', 60_000))
    await t.set(entry('old', 60_000, Date.now() - 2 * 60_000))
    // the prune's `now` was taken 3 hours ahead; the clock is back when it reads the entries
    const removed = await t.prune(Number.MAX_SAFE_INTEGER, Date.now() + 3 * HOUR)
    expect(removed.map(r => `${r.key}:${r.reason}`)).toEqual(['old:expired'])
    expect((await t.get('fresh'))?.value).toBe('fresh')
    await t.close()
  })

  it('an entry expired by the clock as it is now but not when the prune began is left to the next one', async () => {
    const t = new FsTier(join(tempDir('unperf-prune-clock-'), 'ns'), encode)
    await t.set(entry('soon', 60_000, Date.now() - 2 * 60_000))
    // asked for at a time it was still fresh (the clock was behind, then stepped forward)
    expect(await t.prune(Number.MAX_SAFE_INTEGER, Date.now() - 2 * 60_000)).toEqual([])
    expect((await t.prune(Number.MAX_SAFE_INTEGER, Date.now())).map(r => r.key)).toEqual(['soon'])
    await t.close()
  })
})
