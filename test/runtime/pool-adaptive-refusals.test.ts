/**
 * An 'adaptive' pool against services that push back, over real HTTP on loopback (node:http, the
 * global fetch): a service with a hard limit of 3 requests at once that answers 429 at once above it.
 * Before, failures were judged only by their rate: every probe one slot above the limit failed a burst
 * (a refused slot turns over in 1 ms) until 20 outcomes were counted: 35–40 % of the tasks failed
 * without retries, and with `retries: 1` some still failed. Now the first refusal cuts, and the hold
 * before the next probe of the same ceiling doubles (pool-adaptive.ts). Errors that are not
 * congestion (a 404) change nothing. The rule itself, on a simulated clock: the last describe.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { AdaptiveLimit, MAX_HOLD, REFUSED_CUT } from '../../src/runtime/pool-adaptive.js'
import { pool } from './_ctx.js'

const LIMIT = 3
/** ms a served request takes */
const SERVICE = 10

/** A service of LIMIT requests at once, each SERVICE ms; above it, 429 at once with Retry-After. */
function limitedService(): Server {
  let active = 0
  return createServer((req, res) => {
    if (req.url === '/missing' || req.url === '/free') {
      // no limit: a 404 (not congestion), or a page, after the same service time
      setTimeout(() => { res.statusCode = req.url === '/free' ? 200 : 404; res.end() }, SERVICE)
      return
    }
    if (active >= LIMIT) {
      res.statusCode = 429
      res.setHeader('retry-after', '1')
      res.end('too many requests')
      return
    }
    active++
    res.on('close', () => { active-- })
    setTimeout(() => res.end('ok'), SERVICE)
  })
}

let server: Server
let base: string

beforeAll(async () => {
  server = limitedService()
  server.keepAliveTimeout = 30_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

/** A request as a user's fn makes it: an answer that is not ok throws with its status (as ofetch, ky, got do). */
async function get(path: string): Promise<string> {
  const res = await fetch(base + path)
  const body = await res.text()
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status} for ${path}`), { status: res.status })
  return body
}

interface Run { failed: number; ms: number; limits: number[] }

/** `tasks` requests of `path` through a pool; the pool's concurrency as each task started. */
async function requests(p: Pool, tasks: number, path = '/'): Promise<Run> {
  const limits: number[] = []
  const started = performance.now()
  const results = await Promise.allSettled(Array.from({ length: tasks }, () => p.run(() => { limits.push(p.concurrency); return get(path) })))
  return { failed: results.filter(r => r.status === 'rejected').length, ms: performance.now() - started, limits }
}

/** An adaptive pool of [1, 8] slots starting at 2 (the default on a 2-core machine, as CI's). */
const adaptive = (retries: number) => new Pool('api', pool({ concurrency: 'adaptive', retries, backoff: 10, maxBackoff: 100 }), undefined, new AdaptiveLimit(2, 1, 8))
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

describe("'adaptive' pool against a service answering 429 past its limit of 3", () => {
  it('without retries, a few tasks fail (a probe costs one), not a third of them', async () => {
    const run = await requests(adaptive(0), 600)
    // before: 200-240 of 600 (every probe failed a burst until 20 outcomes were counted)
    expect(run.failed, `${run.failed} failed`).toBeLessThan(600 * 0.05)
    // never far above the ceiling: a probe is one slot, cut at its first refusal
    expect(Math.max(...run.limits)).toBeLessThanOrEqual(LIMIT + 2)
    // and near it at the end: judged over the last 100 tasks' starts, not the limit once all settled (the
    // queue drained, fewer tasks than slots are refused nothing and the limit may grow: 5 once, CI under load)
    const tail = mean(run.limits.slice(-100))
    expect(tail, `the last 100 tasks started at ${tail.toFixed(2)} slots on average`).toBeLessThanOrEqual(LIMIT + 1)
  }, 30_000)

  it('with retries: 1, none fails, in at most twice the time of a fixed concurrency of 3', async () => {
    const fixed = await requests(new Pool('api', pool({ concurrency: LIMIT, retries: 1, backoff: 10, maxBackoff: 100 }), undefined), 600)
    expect(fixed.failed).toBe(0)
    const run = await requests(adaptive(1), 600)
    // before: some failed twice in a row (62 of 1 500 in the bench: each probe refused a burst)
    expect(run.failed, `${run.failed} failed`).toBe(0)
    // measured 0.97-1.12x a fixed 3 (the bench: 1 500 requests of 20 ms); 2x for a loaded machine
    expect(run.ms, `${Math.round(run.ms)} ms against ${Math.round(fixed.ms)} ms fixed`).toBeLessThan(fixed.ms * 2)
    // most of the run at the service's limit or just under, not starved
    expect(mean(run.limits.slice(300))).toBeGreaterThan(LIMIT / 2)
  }, 30_000)

  it('answers that are not congestion (a 404) do not cut the limit', async () => {
    // every third request a 404 (after the same service time), on a path without a limit, beside
    // the same requests without 404s at the same time: whatever a loaded machine does to the limit,
    // it does to both. Before, a third failing cut the pool in proportion, count after count. (A
    // failure is no sample: the limit grows by the successes, here two thirds as fast per task)
    const [clean, missing] = await Promise.all([adaptive(0), adaptive(0)].map((p, run) => {
      const limits: number[] = []
      return Promise.allSettled(Array.from({ length: 600 }, (_, i) => p.run(() => {
        limits.push(p.concurrency)
        return get(run === 1 && i % 3 === 0 ? '/missing' : '/free')
      }))).then(results => ({ limits, failed: results.filter(r => r.status === 'rejected').length }))
    }))
    expect(clean!.failed).toBe(0)
    expect(missing!.failed).toBe(200)
    expect(mean(missing!.limits), `${mean(missing!.limits).toFixed(1)} against ${mean(clean!.limits).toFixed(1)}`).toBeGreaterThan(mean(clean!.limits) * 0.6)
  }, 30_000)
})

describe("'adaptive' limit: a refusal, on a simulated clock", () => {
  it(`cuts at once to ${REFUSED_CUT}× (at least one slot less); a task sent before the cut cuts no more`, () => {
    let now = 0
    const a = new AdaptiveLimit(16, 1, 32, () => now)
    now = 10
    expect(a.failed('refused', 5)).toBe(Math.floor(16 * REFUSED_CUT))
    // the other tasks in flight were sent under 16: their refusals were answered by that cut
    expect(a.failed('refused', 9)).toBe(12)
    // a task sent after the cut, refused: the limit is still too high
    now = 20
    expect(a.failed('refused', 15)).toBe(Math.floor(12 * REFUSED_CUT))
    expect(new AdaptiveLimit(4, 1, 8).failed('refused', Infinity)).toBe(3)
    expect(new AdaptiveLimit(1, 1, 8).failed('refused', Infinity)).toBe(1)
  })

  it(`the same ceiling refused again doubles the hold before the next probe (up to ${MAX_HOLD} windows); below the ceiling the limit grows`, () => {
    let now = 0
    const a = new AdaptiveLimit(4, 1, 8, () => now)
    /** windows of successes (4 each at this size) until the limit grows; -1 if not within `most` */
    const windowsToGrow = (most: number) => {
      const from = a.limit
      for (let w = 1; w <= most; w++) {
        for (let i = 0; i < 4; i++) { now += 1; a.record(10) }
        if (a.limit > from) return w
      }
      return -1
    }
    // a ceiling of 4: refused at 4, cut to 3; then held, each probe refused at 4 again
    const holds: number[] = []
    for (let probe = 0; probe < 9; probe++) {
      now += 1
      a.failed('refused', now)
      expect(a.limit).toBe(3)
      holds.push(windowsToGrow(200))
    }
    // the first hold is one window (it grows on the second), then 2, 4 … up to MAX_HOLD
    expect(holds).toEqual([2, 3, 5, 9, 17, 33, 65, 65, 65])
    // a refusal above the ceiling (the service took more): the hold starts over
    expect(windowsToGrow(5)).toBe(1) // 4 → 5, not refused
    now += 1
    a.failed('refused', now) // at 5: a hold of 1, down to 3
    expect(a.limit).toBe(3)
    expect([windowsToGrow(5), windowsToGrow(5)]).toEqual([1, 1]) // 3 → 4 (below the ceiling), 4 → 5 (the hold used up)
    now += 1
    a.failed('refused', now) // at 5 again: a hold of 2
    expect([windowsToGrow(5), windowsToGrow(5)]).toEqual([1, 2])
  })

  it('a hold does not stop growth below the refused ceiling (after a cut for losses, say)', () => {
    let now = 0
    const a = new AdaptiveLimit(8, 1, 8, () => now)
    const window = () => { for (let i = Math.max(4, a.limit); i > 0; i--) { now += 1; a.record(10) } }
    // six refusals at 8, the service's ceiling: a hold of 32 windows after the last
    for (let probe = 0; probe < 6; probe++) {
      now += 1
      a.failed('refused', now)
      if (probe < 5) for (let w = 0; w < 40 && a.limit < 8; w++) window()
    }
    expect(a.limit).toBe(6)
    // a burst of resets: the loss rate cuts the limit (halves it, perhaps once more as the count goes on)
    for (let i = 0; i < 20; i++) a.failed('lost', now)
    expect(a.limit).toBeLessThanOrEqual(3)
    // below the ceiling it grows a slot a window (once the losses are counted out), held again just
    // under the ceiling (7) for the rest of the hold
    for (let w = 0; w < 12; w++) window()
    expect(a.limit).toBe(7)
    for (let w = 0; w < 8; w++) window()
    expect(a.limit).toBe(7)
  })
})
