/**
 * The rule that tells a remote's timeout from this process's own slowness (timeout-blame.ts), on
 * the times a timed-out call reports. The processes and the real redis-server behind it:
 * test/reliability/redis-starved-marker.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { blameTimeout, ownSlowness } from '../../src/drivers/timeout-blame.js'
import type { Tier } from '../../src/drivers/types.js'
import { TimeoutError } from '../../src/errors.js'

/** What the rule reads of a tier: its kind and since when its connection has waited (undefined: owed nothing). */
const tierOwed = (since: number | undefined) => ({ kind: 'redis', owedSince: () => since }) as unknown as Tier
const judge = (tier: Tier, times: { start: number; fired: number; limit: number; timeout: number }) =>
  blameTimeout(tier, new TimeoutError('redis cache tier', times.limit), { ...times, due: times.start + times.limit })

describe('blameTimeout', () => {
  it('the remote\'s: owed an answer, its connection still for min(timeout, half the bound) when the timer fired', () => {
    // a frozen Redis on a ready connection: the call's command written at its start, nothing since
    const frozen = judge(tierOwed(0), { start: 100, fired: 350, limit: 250, timeout: 250 })
    expect(ownSlowness(frozen)).toBe(false)
    expect(frozen.message).toBe('[unperf] redis cache tier timed out after 250ms')
    // a first call (1 s bound) on a Redis that froze before answering the connect's handshake, made 700 ms in
    expect(ownSlowness(judge(tierOwed(800), { start: 100, fired: 1100, limit: 1000, timeout: 250 }))).toBe(false)
    // a timeout of 5 s: half the first call's bound is enough (the connect took some of it)
    expect(ownSlowness(judge(tierOwed(200), { start: 100, fired: 5100, limit: 5000, timeout: 5000 }))).toBe(false)
  })

  it('this process\'s: the connection moved shortly before, or as, the deadline was checked, or was owed nothing', () => {
    const moved = judge(tierOwed(1000), { start: 100, fired: 1100, limit: 1000, timeout: 250 })
    expect(ownSlowness(moved)).toBe(true)
    expect(moved.message).toBe('[unperf] redis cache tier timed out after 1000ms: this process was too slow, not redis (its connection to redis last moved 100ms before the deadline was checked: starved of CPU or its event loop busy); not marked down for the machine\'s other processes')
    // read only after its timer fired, 11 s late (the process got no CPU)
    const late = judge(tierOwed(12_200), { start: 100, fired: 12_100, limit: 1000, timeout: 250 })
    expect(late.message).toMatch(/\(its connection to redis moved as the deadline was checked, 11000ms late: starved of CPU/)
    // waiting on this process (ioredis still loading, its handshake's file read): nothing owed
    const idle = judge(tierOwed(undefined), { start: 100, fired: 5100, limit: 1000, timeout: 250 })
    expect(ownSlowness(idle)).toBe(true)
    expect(idle.message).toMatch(/\(redis owed it no answer, 4000ms late:/)
  })

  it('a tier that does not follow its connection is not judged', () => {
    const error = blameTimeout({ kind: 'fs-lite' } as unknown as Tier, new TimeoutError('fs-lite cache tier', 100), { start: 0, due: 100, fired: 100, limit: 100, timeout: 100 })
    expect(ownSlowness(error)).toBe(false)
    expect(error.message).toBe('[unperf] fs-lite cache tier timed out after 100ms')
  })
})
