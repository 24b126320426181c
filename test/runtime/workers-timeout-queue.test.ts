import { describe, expect, it } from 'vitest'
import { TimeoutError } from '../../src/errors.js'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

/** The host's own synchronous work, holding its event loop. */
function spin(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) { /* busy */ }
}

describe('workers: concurrency.workers.timeout times a task from the moment a thread takes it', () => {
  it('calls queued behind busy threads do not time out while they wait (5 × 300 ms on 1 thread, timeout 1 s: the 4th and 5th did)', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, timeout: 1000 }))
    try {
      const started = performance.now()
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => w.run(fixture, 'spin', [300])))
      expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
      expect(performance.now() - started).toBeGreaterThanOrEqual(1400) // one at a time: never more in flight than threads
      // a task that runs past the limit still times out, and the calls behind it run
      const spinning = w.run(fixture, 'spinForever').catch((e: unknown) => e)
      const behind = w.run(fixture, 'spin', [1])
      expect(await spinning).toBeInstanceOf(TimeoutError)
      expect(await behind).toBe(1)
    } finally {
      await w.close()
    }
  }, 30_000)

  it("a thread's start is not timed, nor the wait for a reply the thread sent in time: the host busy 1.5 s in its own thread right after the call (timeout 1 s)", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, timeout: 1000 }))
    try {
      // the thread starts (and gets the task) while the host's own work holds the event loop: the
      // timer fires after it, with the task done in the thread (or not yet taken by it)
      const call = w.run(fixture, 'spin', [300])
      spin(1500)
      expect(await call).toBe(300)
      // a new thread (the first one ended by the timeout below) is not timed while it starts either
      const spinning = w.run(fixture, 'spinForever').catch((e: unknown) => e)
      expect(await spinning).toBeInstanceOf(TimeoutError)
      const next = w.run(fixture, 'spin', [300])
      spin(1500)
      expect(await next).toBe(300)
    } finally {
      await w.close()
    }
  }, 30_000)

  it('a call waiting for a thread leaves at once on its signal, and never runs', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, timeout: 5000 }))
    try {
      const busy = w.run(fixture, 'spin', [500])
      const ac = new AbortController()
      const waiting = w.run(fixture, 'spin', [1], { signal: ac.signal }).catch((e: unknown) => e)
      await new Promise(r => setTimeout(r, 50))
      const reason = new Error('not needed')
      const at = performance.now()
      ac.abort(reason)
      expect(await waiting).toBe(reason)
      expect(performance.now() - at).toBeLessThan(400)
      expect(await busy).toBe(500)
      expect(await w.run(fixture, 'spin', [2])).toBe(2) // its slot was not lost
    } finally {
      await w.close()
    }
  }, 30_000)

  it('close() ends the calls waiting for a thread with E_WORKER_CLOSED', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, timeout: 5000 }))
    const calls = [1, 2, 3].map(() => w.run(fixture, 'spin', [400]).catch((e: unknown) => e))
    await new Promise(r => setTimeout(r, 200))
    await w.close()
    for (const error of await Promise.all(calls)) expect(error).toMatchObject({ code: 'E_WORKER_CLOSED' })
  }, 30_000)
})

describe("workers: a timeout or idleTimeout past setTimeout's limit ('30d')", () => {
  it('waits as long as a timer can (24.8 days) instead of firing after 1 ms, without a TimeoutOverflowWarning', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => { warnings.push(w.name) }
    process.on('warning', onWarning)
    const thirtyDays = 30 * 24 * 3600 * 1000
    const w = createWorkers(runtimeContext({}, { max: 1, timeout: thirtyDays, idleTimeout: thirtyDays }))
    try {
      expect(await w.run(fixture, 'spin', [200])).toBe(200)
      expect(await w.run(fixture, 'spin', [50])).toBe(50)
      await new Promise(r => setImmediate(r))
      expect(warnings).not.toContain('TimeoutOverflowWarning')
    } finally {
      process.off('warning', onWarning)
      await w.close()
    }
  }, 30_000)
})
