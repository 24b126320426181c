/**
 * A pool's timeout, retries and backoff given for one call, as API.md's `run(fn) // timeout, retries,
 * backoff` reads (p-queue's add(fn, { timeout }), p-retry's, got's per-request options): `run(fn, {
 * timeout: '2s', retries: 3 })` was refused with "a setting of the pool". Now the call's values win
 * for that call only (a map's for each of its items), hooks and stats count what the call did, and a
 * bad value is a TypeError naming the call and the option, nothing run. Real timers, real async work.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { TimeoutError } from '../../src/errors.js'
import { Pool } from '../../src/runtime/pool.js'
import { backoffDelay, MAX_TIMER_MS } from '../../src/runtime/backoff.js'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'
import { pool, runtimeContext } from './_ctx.js'

/** Settles after `ms`, or rejects with the signal's reason once it aborts (a task that honours its signal). */
const work = (ms: number, signal: AbortSignal, value: unknown = 'done'): Promise<unknown> => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms, value)
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason) }, { once: true })
})

afterEach(() => { vi.restoreAllMocks() })

describe('run(fn, { timeout })', () => {
  it('times out one call in a pool without a timeout (ms or a duration string); the next call has none', async () => {
    const p = new Pool('net', pool({ concurrency: 2 }), undefined)
    let sawAbort = false
    const t0 = performance.now()
    const error = await p.run(signal => { signal.addEventListener('abort', () => { sawAbort = true }); return work(5_000, signal) }, { timeout: 40 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).code).toBe('E_TIMEOUT')
    expect(sawAbort).toBe(true)
    expect(performance.now() - t0).toBeLessThan(4_000)
    expect(await p.run(signal => work(5_000, signal), { timeout: '40ms' }).catch((e: unknown) => e)).toBeInstanceOf(TimeoutError)
    // not leaked: the same pool's next call, without options or with other ones, has the pool's (none)
    expect(await p.run(signal => work(120, signal))).toBe('done')
    expect(await p.run(signal => work(120, signal), { retries: 0 })).toBe('done')
    expect(p.stats()).toMatchObject({ timeouts: 2, failed: 2, completed: 2 })
  })

  it('false turns the pool\'s timeout off for that call; 0 is refused as in the config', async () => {
    const p = new Pool('net', pool({ timeout: 40 }), undefined)
    expect(await p.run(signal => work(150, signal), { timeout: false })).toBe('done')
    expect(await p.run(signal => work(5_000, signal)).catch((e: unknown) => e)).toBeInstanceOf(TimeoutError)
    // a longer timeout than the pool's, for one slow call
    expect(await p.run(signal => work(150, signal), { timeout: '5s' })).toBe('done')
    await expect(p.run(() => 'ran', { timeout: 0 })).rejects.toThrow(new TypeError(
      "[unperf] pool 'net': run(fn, { timeout }): timeout must be a duration greater than 0 ('2s', or a number of ms), or false for none (0 is not 'none': use false), got 0"))
    expect(p.stats()).toMatchObject({ timeouts: 1, completed: 2, failed: 1 })
  })

  it('a queued call keeps its own timeout, measured from its start (per attempt), not from the call', async () => {
    const p = new Pool('one', pool({ concurrency: 1 }), undefined)
    const first = p.run(signal => work(300, signal, 'first'))
    // timed from the call, it would time out while the first holds the slot
    const second = p.run(signal => work(30, signal, 'second'), { timeout: 250 })
    const third = p.run(signal => work(5_000, signal), { timeout: 40 }).catch((e: unknown) => e)
    expect(p.queued).toBe(2)
    expect(await first).toBe('first')
    expect(await second).toBe('second')
    expect(await third).toBeInstanceOf(TimeoutError)
  })
})

describe('a timeout or backoff past what setTimeout keeps (2³¹ − 1 ms)', () => {
  it("'30d', the pool's or a call's, waits (clamped to 24.8 days) instead of firing after 1 ms", async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => { warnings.push(w.name) }
    process.on('warning', onWarning)
    try {
      const p = new Pool('long', pool({ timeout: 30 * 86_400_000 }), undefined)
      expect(await p.run(signal => work(80, signal))).toBe('done')
      expect(await new Pool('net', pool(), undefined).run(signal => work(80, signal), { timeout: '30d' })).toBe('done')
      expect(p.stats().timeouts).toBe(0)
      // a retry's delay, reported by task:retry and waited: never past the limit either
      expect(backoffDelay(0, 30 * 86_400_000, 60 * 86_400_000, () => 1)).toBe(MAX_TIMER_MS)
      await new Promise(resolve => setImmediate(resolve))
      expect(warnings).not.toContain('TimeoutOverflowWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })
})

describe('run(fn, { retries, backoff })', () => {
  it('retries one call in a pool without retries, counted in stats and task:retry; the next call is not retried', async () => {
    const ctx = runtimeContext()
    const retried: number[] = []
    const failed: number[] = []
    ctx.hooks.hook('task:retry', e => { retried.push(e.attempt) })
    ctx.hooks.hook('task:error', e => { failed.push(e.attempt) })
    const p = new Pool('net', pool({ retries: 0, backoff: 1, maxBackoff: 5 }), ctx)
    let calls = 0
    const flaky = async () => { if (++calls < 3) throw new Error('ECONNRESET'); return calls }
    expect(await p.run(flaky, { retries: 2 })).toBe(3)
    expect(retried).toEqual([1, 2])
    calls = 0
    expect(await p.run(flaky).catch((e: Error) => e.message)).toBe('ECONNRESET')
    expect(calls).toBe(1)
    expect(failed).toEqual([0])
    // more failures than the call's retries: task:error with the last attempt
    calls = -10
    expect(await p.run(flaky, { retries: 1 }).catch((e: Error) => e.message)).toBe('ECONNRESET')
    expect(calls).toBe(-8)
    expect(retried).toEqual([1, 2, 1])
    expect(failed).toEqual([0, 1])
    expect(p.stats()).toMatchObject({ retries: 3, failed: 2, completed: 1 })
  })

  it('retries: 0 turns the pool\'s retries off for that call; a per-call timeout is retried like the pool\'s', async () => {
    const p = new Pool('net', pool({ retries: 3, backoff: 1, maxBackoff: 1 }), undefined)
    let calls = 0
    const failing = async () => { calls++; throw new Error('ECONNRESET') }
    await p.run(failing, { retries: 0 }).catch(() => {})
    expect(calls).toBe(1)
    await p.run(failing).catch(() => {})
    expect(calls).toBe(5)
    calls = 0
    expect(await p.run(signal => { calls++; return work(5_000, signal) }, { timeout: 30, retries: 1 }).catch((e: unknown) => e)).toBeInstanceOf(TimeoutError)
    expect(calls).toBe(2)
    expect(p.stats()).toMatchObject({ retries: 4, timeouts: 2, failed: 3 })
  })

  it('waits the call\'s backoff, capped by its maxBackoff: measured against the same retries with backoff 0', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1) // full jitter at its top: the delay is min(maxBackoff, backoff × 2ⁿ)
    const ctx = runtimeContext()
    const delays: number[] = []
    ctx.hooks.hook('task:retry', e => { delays.push(e.delay!) })
    const p = new Pool('net', pool({ retries: 0, backoff: 1, maxBackoff: 10 }), ctx)
    const timed = async (options: { backoff?: number | `${number}ms`; maxBackoff?: number | `${number}ms` }): Promise<number> => {
      let calls = 0
      const t0 = performance.now()
      await p.run(async () => { if (++calls < 3) throw new Error('ECONNRESET') }, { retries: 2, ...options })
      return performance.now() - t0
    }
    // the same retries without waits, at their fastest of three (a loaded machine stalls one now and then)
    const baseline = Math.min(await timed({ backoff: 0 }), await timed({ backoff: 0 }), await timed({ backoff: 0 }))
    expect(delays).toEqual([0, 0, 0, 0, 0, 0])
    const waited = await timed({ backoff: '100ms', maxBackoff: 150 })
    expect(delays.slice(6)).toEqual([100, 150]) // 100 × 2⁰, then 100 × 2¹ capped at 150
    // 250 ms of waits (a timer may fire up to a ms early by the clock read here); the pool's own would be 3 ms
    expect(waited).toBeGreaterThanOrEqual(245)
    expect(waited - baseline).toBeGreaterThanOrEqual(200)
    // the pool's own (1 ms, cap 10 ms) for a call without options
    await timed({})
    expect(delays.slice(8)).toEqual([1, 2])
  })
})

describe('run(fn, { signal, timeout, retries })', () => {
  it('the outside signal still cancels a call with its own retries, waiting for its backoff: not retried', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1) // the full 10 s wait, never a jitter near 0
    const p = new Pool('net', pool(), undefined)
    const controller = new AbortController()
    let calls = 0
    const outcome = p.run(async () => { calls++; throw new Error('ECONNRESET') }, { signal: controller.signal, retries: 5, backoff: '10s', maxBackoff: '10s' }).catch((e: unknown) => e)
    await new Promise(resolve => setTimeout(resolve, 30))
    controller.abort(new Error('user cancelled'))
    expect(await outcome).toMatchObject({ message: 'user cancelled' })
    expect(calls).toBe(1)
    await p.onIdle()
    // and a signalled call's own timeout fires
    expect(await p.run(signal => work(5_000, signal), { signal: new AbortController().signal, timeout: 30 }).catch((e: unknown) => e)).toBeInstanceOf(TimeoutError)
    expect(p.stats()).toMatchObject({ cancelled: 1, timeouts: 1 })
  })
})

describe('map(items, fn, { timeout, retries, backoff })', () => {
  it('applies to every item of that map, not to the next map', async () => {
    const p = new Pool('files', pool({ concurrency: 2 }), undefined)
    const attempts = new Map<number, number>()
    const flaky = async (i: number) => {
      const n = (attempts.get(i) ?? 0) + 1
      attempts.set(i, n)
      if (n < 3) throw new Error(`ECONNRESET ${i}`)
      return i * 10
    }
    expect(await p.map([1, 2, 3], flaky, { retries: 2, backoff: 0 })).toEqual([10, 20, 30])
    expect([...attempts.values()]).toEqual([3, 3, 3])
    expect(p.stats()).toMatchObject({ retries: 6, completed: 3 })
    attempts.clear()
    expect(await p.map([1, 2], flaky).catch((e: unknown) => e)).toBeInstanceOf(AggregateError)
    expect([...attempts.values()]).toEqual([1, 1])
    // a timeout for each item: the slow one times out, the others complete
    const error = await p.map([20, 5_000, 20], (ms, _i, signal) => work(ms, signal), { timeout: '300ms' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(p.stats()).toMatchObject({ timeouts: 1, completed: 5 })
    expect(await p.map([150], (ms, _i, signal) => work(ms, signal))).toEqual(['done'])
  })

  it('with stopOnError, the first failure after the call\'s retries stops the map; the items waiting for a retry are not retried', async () => {
    const p = new Pool('files', pool({ concurrency: 1 }), undefined)
    const ran: number[] = []
    const error = await p.map([0, 1, 2], async i => { ran.push(i); throw new Error(`ECONNRESET ${i}`) }, { stopOnError: true, retries: 1, backoff: 0 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ message: 'ECONNRESET 0' })
    await p.onIdle()
    // a slot is free while its item waits for its retry: 1 and 2 ran once, then 0 its retry and the map stopped
    expect(ran).toEqual([0, 1, 2, 0])
    expect(p.stats()).toMatchObject({ retries: 3, failed: 1, cancelled: 2 })
  })
})

describe('the fast path', () => {
  it("options that give nothing or only the pool's own values take run(fn)'s direct path; others a job", async () => {
    const direct = vi.spyOn(Pool.prototype as unknown as { _direct: (fn: unknown) => Promise<unknown> }, '_direct')
    const p = new Pool('net', pool({ retries: 0, timeout: false }), undefined)
    for (const options of [undefined, {}, { signal: undefined }, { retries: 0 }, { timeout: false as const }, { timeout: undefined, backoff: 1 }]) {
      expect(await p.run(() => 'ok', options)).toBe('ok')
    }
    expect(direct).toHaveBeenCalledTimes(6)
    expect(await p.run(() => 'ok', { retries: 1 })).toBe('ok')
    expect(await p.run(() => 'ok', { timeout: '1m' })).toBe('ok')
    expect(direct).toHaveBeenCalledTimes(6)
  })
})

describe('bad values', () => {
  it('a TypeError (E_INVALID_ARGUMENT) naming the pool, the call, the option and what is expected; nothing runs', async () => {
    const p = new Pool('net', pool(), undefined)
    let ran = 0
    const fn = () => { ran++ }
    const refused = async (call: Promise<unknown>, message: string) => {
      const error = await call.then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT', message: `[unperf] ${message}` })
    }
    const timeout = "timeout must be a duration greater than 0 ('2s', or a number of ms), or false for none"
    await refused(p.run(fn, { timeout: -1 }), `pool 'net': run(fn, { timeout }): ${timeout}, got -1`)
    await refused(p.run(fn, { timeout: '2 seconds' as never }), `pool 'net': run(fn, { timeout }): ${timeout}, got '2 seconds'`)
    await refused(p.run(fn, { timeout: null as never }), `pool 'net': run(fn, { timeout }): ${timeout}, got null`)
    await refused(p.run(fn, { timeout: true as never }), `pool 'net': run(fn, { timeout }): ${timeout}, got true`)
    await refused(p.run(fn, { timeout: Number.NaN }), `pool 'net': run(fn, { timeout }): ${timeout}, got NaN`)
    const retries = 'retries must be an integer from 0 to 100 (extra attempts after a failure; 0: none)'
    for (const [value, got] of [[1.5, '1.5'], [-1, '-1'], [101, '101'], ['3', "'3'"], [Infinity, 'Infinity']] as const) {
      await refused(p.run(fn, { retries: value as never }), `pool 'net': run(fn, { retries }): ${retries}, got ${got}`)
    }
    await refused(p.run(fn, { backoff: 'soon' as never }), "pool 'net': run(fn, { backoff }): backoff must be a duration ('100ms', or a number of ms: the base delay of the retries' exponential backoff), got 'soon'")
    await refused(p.run(fn, { maxBackoff: -5 }), "pool 'net': run(fn, { maxBackoff }): maxBackoff must be a duration ('100ms', or a number of ms: the cap of one retry delay), got -5")
    await refused(p.run(fn, { signal: new AbortController().signal, retries: 'many' as never }), `pool 'net': run(fn, { retries }): ${retries}, got 'many'`)
    await refused(p.map([1, 2], fn, { timeout: 0 }), `pool 'net': map(items, fn, { timeout }): ${timeout} (0 is not 'none': use false), got 0`)
    await refused(p.map([1, 2], fn, { stopOnError: true, retries: [2] as never }), `pool 'net': map(items, fn, { retries }): ${retries}, got an array`)
    expect(ran).toBe(0)
    expect(p.stats()).toMatchObject({ completed: 0, failed: 0, active: 0, queued: 0 })
    // the bounds themselves are accepted; undefined is the pool's
    expect(await p.run(() => 'ok', { retries: 100, backoff: 0, maxBackoff: '0ms', timeout: '1m' })).toBe('ok')
    expect(await p.run(() => 'ok', { timeout: undefined, retries: undefined, backoff: undefined, maxBackoff: undefined })).toBe('ok')
  })
})

describe('through createPerf and the config', () => {
  it("concurrency.pools.network { timeout: '10s', retries: 2 }: one call with { timeout: '50ms', retries: 0 }; the report's pool stats count it", async () => {
    const perf = await createPerf({
      cwd: tempDir(), noExitHandlers: true,
      overrides: { cache: { enabled: false }, report: { console: false, dir: './.perf' }, concurrency: { pools: { network: { timeout: '10s', retries: 2, backoff: '1ms', maxBackoff: '1ms' } } } },
    })
    const net = perf.pool('network')
    let calls = 0
    const t0 = performance.now()
    expect(await net.run(signal => { calls++; return work(5_000, signal) }, { timeout: '50ms', retries: 0 }).catch((e: unknown) => e)).toBeInstanceOf(TimeoutError)
    expect(calls).toBe(1)
    expect(performance.now() - t0).toBeLessThan(4_000)
    calls = 0
    expect(await net.run(async () => { if (++calls < 3) throw new Error('ECONNRESET'); return 'ok' })).toBe('ok')
    expect(calls).toBe(3)
    const report = await perf.close()
    expect(report.pools.find(s => s.name === 'network')).toMatchObject({ timeouts: 1, retries: 2, failed: 1, completed: 1 })
  })
})
