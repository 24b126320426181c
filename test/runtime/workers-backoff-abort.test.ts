/**
 * perf.workers.run(..., { signal }) with `concurrency.workers.retries`: an abort while the call waits
 * between attempts (the backoff, up to 10 s) was ignored until the wait ended; it now rejects at
 * once with the signal's reason, and no further attempt runs. Real worker threads.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

afterEach(() => { vi.restoreAllMocks() })

describe('workers: an abort during the backoff between retries', () => {
  it('rejects at once with the reason, not when the wait ends', async () => {
    // the jitter at its top: waits of 100, 200, 400, 800, 1 600, 3 200 ms after each failure; the
    // thread stays up between attempts (idleTimeout), so each fails within ms and 2 s into the call
    // is inside the 1 600 ms wait (from ≈ 1.5 s to ≈ 3.1 s), half a second from either end
    vi.spyOn(Math, 'random').mockReturnValue(0.999)
    const w = createWorkers(runtimeContext({}, { retries: 8, idleTimeout: 60_000 }))
    try {
      await w.run(fixture, 'spin', [1]) // the thread is up before the clock starts
      const ac = new AbortController()
      const call = w.run(fixture, 'fail', [], { signal: ac.signal })
      const settled = call.then(() => 'resolved', (error: Error) => error)
      await new Promise(resolve => setTimeout(resolve, 2000))
      const abortedAt = performance.now()
      ac.abort(new Error('build cancelled'))
      const error = await settled
      const late = performance.now() - abortedAt
      expect(error).toMatchObject({ message: 'build cancelled' })
      // before: up to the rest of the 1 600 ms wait; 300 ms is a generous bound for "at once" on a loaded machine
      expect(late).toBeLessThan(300)
    } finally {
      await w.close()
    }
  }, 20_000)

  // (held before the fix too: the end of the wait checked the signal; kept as a guard)
  it('an abort during the wait starts no further attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999)
    const { tempDir } = await import('../helpers/tmp.js')
    const { join } = await import('node:path')
    const { existsSync } = await import('node:fs')
    const w = createWorkers(runtimeContext({}, { retries: 1 }))
    try {
      const marker = join(tempDir(), 'attempt')
      const ac = new AbortController()
      // failOnce writes the marker and fails; a second attempt (after a 100 ms wait) would succeed
      const call = w.run(fixture, 'failOnce', [marker], { signal: ac.signal })
      while (!existsSync(marker)) await new Promise(resolve => setTimeout(resolve, 5))
      ac.abort(new Error('stop'))
      await expect(call).rejects.toThrow('stop')
    } finally {
      await w.close()
    }
  })
})
