/**
 * An 'adaptive' pool under losses (a reset connection, a timeout: overload.ts), with real timers: an
 * occasional one (a download pool's ECONNRESET) must not throttle it; a high rate backs it off, in
 * proportion; it recovers. (Its latency rule on a loaded machine, simulated:
 * pool-adaptive-latency.test.ts; refusals, HTTP 429 from a real server: pool-adaptive-refusals.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { AdaptiveLimit, ERROR_WINDOW, TOLERATED } from '../../src/runtime/pool-adaptive.js'
import { pool } from './_ctx.js'
import { random } from '../helpers/random.js'

const TOP = 32

/**
 * Runs `rates.length` tasks (all submitted at once, as a download list) in an adaptive pool that
 * starts at its top; task i fails with probability rates[i] after `latency` ms (a network round trip;
 * long enough that a loaded machine's timer delays do not look like a slower service).
 * Returns the pool's concurrency as each task started.
 */
async function download(rates: number[], latency: number): Promise<number[]> {
  const p = new Pool('downloads', pool({ concurrency: 'adaptive' }), undefined, new AdaptiveLimit(TOP, 1, TOP))
  const rnd = random(7)
  const seen: number[] = []
  await Promise.all(rates.map((rate, i) => p.run(() => new Promise((resolve, reject) => {
    seen.push(p.concurrency)
    const fail = rnd() < rate
    // as node reports a reset: the code on the error
    setTimeout(() => (fail ? reject(Object.assign(new Error(`read ECONNRESET (file ${i})`), { code: 'ECONNRESET' })) : resolve(i)), latency)
  })).catch(() => undefined)))
  expect(p.stats()).toMatchObject({ active: 0, queued: 0 })
  return seen
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

describe("'adaptive' pool: failures judged by their rate", () => {
  it('1 000 tasks with 2 % failing keep the concurrency near the top (one error in a window cut it 0.7×: it sank to a few slots)', async () => {
    // beside the same download without failures, at the same time: whatever a loaded machine's
    // timer delays do to the limit, they do to both
    const [clean, failing] = await Promise.all([download(new Array<number>(1000).fill(0), 15), download(new Array<number>(1000).fill(0.02), 15)])
    // about 20 failures: a window of TOP completions held one about every other window, and each cut
    // it 0.7× (the mean was under half the top, and under half the clean run's)
    expect(mean(failing)).toBeGreaterThan(mean(clean) * 0.8)
    expect(mean(failing)).toBeGreaterThan(TOP / 2)
  })

  it('50 % failing backs off to a few slots, and it climbs back once the failures stop', async () => {
    const rates = [...new Array<number>(300).fill(0.5), ...new Array<number>(700).fill(0)]
    const seen = await download(rates, 15)
    const failing = seen.slice(150, 300)
    expect(mean(failing)).toBeLessThan(TOP / 4)
    const low = Math.min(...failing)
    // additive increase from there: it grows back well past the low point (the highest of the last
    // 100 starts: a loaded machine's stall near the end may have held or cut it once)
    expect(Math.max(...seen.slice(-100))).toBeGreaterThan(Math.max(low * 2, TOP / 2))
  })

  it('losses just over the tolerance cut in proportion, once per count (one burst is one cut)', () => {
    const a = new AdaptiveLimit(TOP, 1, TOP)
    // one count of ERROR_WINDOW outcomes with 25 % lost: limit × 0.75
    for (let i = 0; i < ERROR_WINDOW; i++) { if (i % 4 === 0) a.failed('lost', 0); else a.record(3) }
    expect(a.limit).toBe(Math.floor(TOP * 0.75))
    // the next counts without losses: no further cut
    const after = a.limit
    for (let i = 0; i < 2 * ERROR_WINDOW; i++) a.record(3)
    expect(a.limit).toBeGreaterThanOrEqual(after)
    // every task lost: at most half the slots per decision (TCP's halving)
    const before = a.limit
    for (let i = 0; i < ERROR_WINDOW; i++) a.failed('lost', 0)
    expect(a.limit).toBe(Math.floor(before / 2))
  })

  it(`up to ${TOLERATED * 100} % lost in a count changes nothing`, () => {
    const a = new AdaptiveLimit(TOP, 1, TOP)
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < ERROR_WINDOW * 2; i++) { if (i === 0) a.failed('lost', 0); else a.record(3) }
    }
    expect(a.limit).toBe(TOP)
  })
})
