/**
 * `monitors: { system: true, interval: '30d' }` (a monitor meant to sample "as good as never") gave
 * the host metrics' refresh timer a delay past the longest one node keeps (2³¹ − 1 ms): node made it
 * 1 ms, with a TimeoutOverflowWarning, and systeminformation (`df` among its calls) ran back to back:
 * 24 % of a core in an idle service. The refresh now waits as long as a timer can. Real timers and
 * real systeminformation.
 */
import { expect, it } from 'vitest'
import { createSystemSampler } from '../../src/runtime/monitors/samplers/system.js'

const DAYS_30 = 30 * 86_400_000

it("an interval of '30d' refreshes the host metrics once at start, not every ms", async () => {
  const warnings: string[] = []
  const sampler = createSystemSampler(DAYS_30, (_code, message) => { warnings.push(message) })
  try {
    await sampler.ready()
    const first = sampler.read()
    expect(first).toBeDefined()
    await new Promise(r => setTimeout(r, 1000))
    expect(sampler.read()).toBe(first) // no refresh since the first
    expect(warnings).toEqual([])
  } finally {
    sampler.stop()
  }
})
