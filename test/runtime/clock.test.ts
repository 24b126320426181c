/**
 * The runtime clock's epoch conversion (epochMs: OpenTelemetry span times, the fs tier's file
 * times) follows the wall clock when it is stepped, in either direction, instead of keeping the
 * offset it measured first. Only Date is moved (as NTP moves the wall clock, not the monotonic one).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { epochMs, now } from '../../src/runtime/clock.js'

const HOUR = 3_600_000

afterEach(() => { vi.useRealTimers() })

describe('epochMs', () => {
  it('is the wall clock, to within a ms, with sub-ms precision and in order between steps', () => {
    const a = epochMs(now())
    expect(Math.abs(a - Date.now())).toBeLessThan(1.5)
    const b = epochMs(now())
    expect(b).toBeGreaterThanOrEqual(a)
    // a time of the past converts with the same offset
    const t = now()
    expect(epochMs(t - 1000)).toBeCloseTo(epochMs(t) - 1000, 1)
  })

  it('follows the wall clock stepped ahead by hours and back again', () => {
    expect(Math.abs(epochMs(now()) - Date.now())).toBeLessThan(1.5)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3 * HOUR })
    expect(Math.abs(epochMs(now()) - Date.now())).toBeLessThan(2.5)
    vi.useRealTimers()
    expect(Math.abs(epochMs(now()) - Date.now())).toBeLessThan(2.5)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 3 * HOUR })
    expect(Math.abs(epochMs(now()) - Date.now())).toBeLessThan(2.5)
  })
})
