/**
 * perf.workers.run(moduleUrl, exportName, args, { timeout, retries, signal }): one call's own time
 * limit and retries over concurrency.workers', read and refused as a pool call's per-call options
 * (pool-options.ts). A call past its own timeout ends its thread (terminated, not left spinning) and
 * the pool starts another for the next task; an aborted signal rejects with its reason.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TimeoutError } from '../../src/errors.js'
import { createWorkers } from '../../src/runtime/workers.js'
import { tempDir } from '../helpers/tmp.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/**
 * The heartbeat fixture's last beat, once it stopped: the same for 300 ms (its thread beats every 20 ms).
 * Terminating a thread is asynchronous: a loaded machine can let it beat a little after the call ended.
 */
async function heartbeatStopped(beat: string): Promise<string> {
  let last = ''
  for (let i = 0; i < 30; i++) {
    await sleep(300)
    const now = readFileSync(beat, 'utf8')
    if (now === last && now !== '') return now
    last = now
  }
  throw new Error(`the heartbeat in ${beat} still goes 9 s after its call ended`)
}

describe('perf.workers.run(..., { timeout, retries, signal })', { timeout: 60_000 }, () => {
  it("a call's timeout shorter than the config's ends its task; the thread is terminated and replaced", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, timeout: 60_000 }))
    const beat = join(tempDir('unperf-workers-timeout-'), 'beat')
    try {
      const t0 = performance.now()
      const error = await w.run(fixture, 'heartbeat', [beat], { timeout: 300 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TimeoutError)
      expect((error as Error).message).toContain('300')
      // the call's 300 ms, not the config's 60 s (generous: a loaded machine starts a thread slowly, untimed)
      expect(performance.now() - t0).toBeLessThan(30_000)
      // the thread is gone: its heartbeat (every 20 ms) stops, once terminate() has gone through
      const last = await heartbeatStopped(beat)
      const [spun] = last.split(' ')
      // and the pool (one thread at most) runs the next task on a new one
      expect(String(await w.run(fixture, 'thread', []))).not.toBe(spun)
    } finally {
      await w.close()
    }
  })

  it('timeout: false over the config\'s timeout; retries over the config\'s; both as the pool\'s per-call options', async () => {
    const w = createWorkers(runtimeContext({}, { timeout: 200, retries: 0 }))
    try {
      expect(await w.run(fixture, 'spin', [600], { timeout: false })).toBe(600)
      await expect(w.run(fixture, 'spin', [600])).rejects.toBeInstanceOf(TimeoutError) // the next call has the config's again
      expect(await w.run(fixture, 'failOnce', [join(tempDir(), 'attempted')], { retries: 1 })).toBe('second attempt')
      await expect(w.run(fixture, 'failOnce', [join(tempDir(), 'attempted')], { retries: 0 })).rejects.toThrow('first attempt fails')
      // a '2s' string, as the config writes it
      expect(await w.run(fixture, 'spin', [1], { timeout: '2s' })).toBe(1)
    } finally {
      await w.close()
    }
  })

  it("a bad timeout or retries: the pool's TypeError naming the call and the option, before anything runs", async () => {
    const w = createWorkers(runtimeContext())
    const url = new URL('./fixtures/never-imported.mjs', import.meta.url)
    try {
      const cases: [Record<string, unknown>, string][] = [
        [{ timeout: 0 }, "[unperf] perf.workers.run(moduleUrl, exportName, args, { timeout }): timeout must be a duration greater than 0 ('2s', or a number of ms), or false for none (0 is not 'none': use false), got 0"],
        [{ timeout: '10 parsecs' }, "[unperf] perf.workers.run(moduleUrl, exportName, args, { timeout }): timeout must be a duration greater than 0 ('2s', or a number of ms), or false for none, got '10 parsecs'"],
        [{ retries: 1.5 }, '[unperf] perf.workers.run(moduleUrl, exportName, args, { retries }): retries must be an integer from 0 to 100 (extra attempts after a failure; 0: none), got 1.5'],
        [{ retries: 101 }, '[unperf] perf.workers.run(moduleUrl, exportName, args, { retries }): retries must be an integer from 0 to 100 (extra attempts after a failure; 0: none), got 101'],
      ]
      for (const [options, message] of cases) {
        const error = await w.run(url, 'f', [], options as never).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(TypeError)
        expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT', message })
      }
    } finally {
      await w.close()
    }
  })

  it('a signal with a timeout: aborted before, or while the task runs, rejects with its reason, not a TimeoutError', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    const beat = join(tempDir('unperf-workers-abort-'), 'beat')
    try {
      const reason = new Error('stopped by the caller')
      await expect(w.run(fixture, 'spin', [1], { signal: AbortSignal.abort(reason), timeout: 5000 })).rejects.toBe(reason)
      const ac = new AbortController()
      const running = w.run(fixture, 'heartbeat', [beat], { signal: ac.signal, timeout: 30_000, retries: 2 })
      for (let i = 0; i < 600 && !readFileSync(beat, { encoding: 'utf8', flag: 'a+' }); i++) await sleep(50)
      ac.abort(reason)
      await expect(running).rejects.toBe(reason)
      // its thread ended (once terminate() has gone through), and was not retried: no other beats after
      const last = await heartbeatStopped(beat)
      await sleep(300)
      expect(readFileSync(beat, 'utf8')).toBe(last)
    } finally {
      await w.close()
    }
  })
})
