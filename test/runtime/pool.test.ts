import { describe, expect, it, vi } from 'vitest'
import { TimeoutError, CycleError } from '../../src/errors.js'
import { Pool } from '../../src/runtime/pool.js'
import { createPoolManager } from '../../src/runtime/pool-manager.js'
import { backoffDelay } from '../../src/runtime/backoff.js'
import { AdaptiveLimit, ERROR_WINDOW } from '../../src/runtime/pool-adaptive.js'
import { runGraph } from '../../src/runtime/graph.js'
import { pool, runtimeContext } from './_ctx.js'

const tick = () => new Promise(r => setImmediate(r))

describe('pool', () => {
  it('bounds concurrency, keeps map order, exposes active and queued', async () => {
    const p = new Pool('p', pool({ concurrency: 3 }), undefined)
    let running = 0, max = 0
    const out = p.map(Array.from({ length: 20 }, (_, i) => i), async i => {
      running++; max = Math.max(max, running)
      await tick()
      running--
      return i * 2
    })
    expect(p.active).toBe(3)
    expect(p.queued).toBe(17)
    expect(await out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2))
    expect(max).toBe(3)
    await p.onIdle()
    expect(p.stats()).toMatchObject({ completed: 20, failed: 0, active: 0, queued: 0 })
  })

  it('10 000 concurrent tasks without error', async () => {
    const p = new Pool('p', pool({ concurrency: 64 }), undefined)
    const results = await Promise.all(Array.from({ length: 10_000 }, (_, i) => p.run(async () => i)))
    expect(results[9_999]).toBe(9_999)
  })

  it('times out: aborts the signal and rejects with TimeoutError', async () => {
    const p = new Pool('net', pool({ timeout: 20 }), undefined)
    let aborted = false
    const err = await p.run(signal => new Promise((_, reject) => signal.addEventListener('abort', () => { aborted = true; reject(signal.reason) }))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect((err as TimeoutError).message).toContain("pool 'net'")
    expect(aborted).toBe(true)
    expect(p.stats().timeouts).toBe(1)
  })

  it('retries with exponential backoff and full jitter, firing task:retry', async () => {
    vi.useFakeTimers()
    try {
      const ctx = runtimeContext()
      const delays: number[] = []
      ctx.hooks.hook('task:retry', e => { delays.push(e.delay!) })
      const p = new Pool('r', pool({ retries: 3, backoff: 100, maxBackoff: 250 }), ctx)
      let calls = 0
      const done = p.run(async () => { if (++calls < 4) throw new Error('flaky'); return 'ok' })
      await vi.runAllTimersAsync()
      expect(await done).toBe('ok')
      expect(calls).toBe(4)
      expect(delays).toHaveLength(3)
      expect(delays[0]).toBeLessThanOrEqual(100)
      expect(delays[1]).toBeLessThanOrEqual(200)
      expect(delays[2]).toBeLessThanOrEqual(250) // capped by maxBackoff
      expect(p.stats().retries).toBe(3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('does not retry what no retry can help, as p-retry: a TypeError (a bug) or an AbortError; a network TypeError and a timeout are retried', async () => {
    const p = new Pool('r', pool({ retries: 2, backoff: 1, maxBackoff: 1 }), undefined)
    const attempts = async (error: () => Error) => {
      let calls = 0
      await p.run(async () => { calls++; throw error() }).catch(() => {})
      return calls
    }
    expect(await attempts(() => new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(1)
    expect(await attempts(() => Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))).toBe(1)
    expect(await attempts(() => new TypeError('fetch failed'))).toBe(3)
    expect(await attempts(() => new Error('ECONNRESET'))).toBe(3)
    const timed = new Pool('t', pool({ retries: 1, backoff: 1, maxBackoff: 1, timeout: 10 }), undefined)
    let calls = 0
    expect(await timed.run(() => { calls++; return new Promise(() => {}) }).catch(e => e)).toBeInstanceOf(TimeoutError)
    expect(calls).toBe(2)
  })

  it("after the last attempt: that attempt's error itself, no wrapper nor cause (p-retry's way); the earlier ones are task:retry's error", async () => {
    const ctx = runtimeContext()
    const retried: unknown[] = []
    ctx.hooks.hook('task:retry', e => { retried.push(e.error) })
    const p = new Pool('r', pool({ retries: 2, backoff: 1, maxBackoff: 1 }), ctx)
    const thrown = [new Error('try 1'), new Error('try 2'), new Error('try 3')]
    let calls = 0
    const err = await p.run(async () => { throw thrown[calls++] }).catch((e: unknown) => e)
    expect(err).toBe(thrown[2])
    expect((err as Error).cause).toBeUndefined()
    await new Promise(resolve => setImmediate(resolve))
    expect(retried).toEqual([thrown[0], thrown[1]])
  })

  it('map stopOnError aborts in-flight tasks and starts no more', async () => {
    const p = new Pool('s', pool({ concurrency: 2 }), undefined)
    const started: number[] = []
    let abortedInFlight = 0
    const err = await p.map([0, 1, 2, 3, 4, 5], (i, _index, signal) => {
      started.push(i)
      if (i === 0) return Promise.reject(new Error('first fails'))
      return new Promise((resolve, reject) => signal.addEventListener('abort', () => { abortedInFlight++; reject(new Error('aborted')) }))
    }, { stopOnError: true }).catch(e => e)
    expect(err.message).toBe('first fails')
    expect(abortedInFlight).toBe(1)
    expect(started).toEqual([0, 1])
  })

  it('map stopOnError rejects at the first failure, as p-map: an in-flight item that ignores its signal does not hold the map', async () => {
    const p = new Pool('s', pool({ concurrency: 2 }), undefined)
    let release!: () => void
    const stuck = new Promise<void>(resolve => { release = resolve })
    const outcome = await Promise.race([
      p.map([0, 1], async (i) => {
        if (i === 0) throw new Error('first fails')
        await stuck // ignores the abort
        return i
      }, { stopOnError: true }).catch(e => e),
      new Promise(r => setTimeout(r, 500, 'still waiting for the in-flight item')),
    ])
    expect(outcome).toMatchObject({ message: 'first fails' })
    // the item still holds its slot until it settles; onIdle() waits for it
    expect(p.active).toBe(1)
    release()
    await p.onIdle()
    expect(p.stats()).toMatchObject({ active: 0, completed: 1, failed: 1 })
  })

  it('map without stopOnError runs everything, then rejects', async () => {
    const p = new Pool('a', pool(), undefined)
    let ran = 0
    const err = await p.map([1, 2, 3], async i => { ran++; if (i !== 2) throw new Error(`bad ${i}`) }).catch(e => e)
    expect(ran).toBe(3)
    expect(err).toBeInstanceOf(AggregateError)
  })

  it('fires task hooks only when listened to', async () => {
    const ctx = runtimeContext()
    const events: string[] = []
    ctx.hooks.hook('task:start', () => { events.push('start') })
    ctx.hooks.hook('task:end', () => { events.push('end') })
    ctx.hooks.hook('task:error', () => { events.push('error') })
    const p = new Pool('h', pool(), ctx)
    await p.run(() => 1)
    await p.run(() => { throw new Error('x') }).catch(() => {})
    expect(events).toEqual(['start', 'end', 'start', 'error'])
  })

  it('1 000 concurrent tasks with hook listeners', async () => {
    const ctx = runtimeContext()
    let n = 0
    ctx.hooks.hook('task:end', () => { n++ })
    const p = new Pool('h', pool({ concurrency: 100 }), ctx)
    await Promise.all(Array.from({ length: 1000 }, () => p.run(async () => 1)))
    expect(n).toBe(1000)
  })

  it('the manager caches pools; unknown names get the default settings', () => {
    const m = createPoolManager(runtimeContext({ network: pool({ concurrency: 8 }) }))
    expect(m.pool('network')).toBe(m.pool('network'))
    expect(m.pool('network').concurrency).toBe(8)
    expect(m.pool().concurrency).toBe(4)
    expect(m.stats().map(s => s.name).sort()).toEqual(['default', 'network'])
  })

  it("a pool named like an Object.prototype member gets the default settings and runs (it hung with a NaN limit)", async () => {
    const m = createPoolManager(runtimeContext({ network: pool({ concurrency: 8 }) }))
    for (const name of ['constructor', 'toString', '__proto__']) {
      expect(m.pool(name).concurrency).toBe(4)
      expect(await m.pool(name).run(() => name)).toBe(name)
    }
  })
})

describe('pool run(fn, { signal }): an outside AbortSignal, as p-queue', () => {
  /** A task that waits until released (or until its signal aborts, when it honours it). */
  const gate = () => {
    let open!: () => void
    const opened = new Promise<void>(r => { open = r })
    return { open, opened }
  }

  it('already aborted: rejects with the reason, fn never runs, nothing counted', async () => {
    const p = new Pool('s', pool({ concurrency: 1 }), undefined)
    const reason = new Error('stop before')
    const fn = vi.fn()
    await expect(p.run(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(fn).not.toHaveBeenCalled()
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, completed: 0, failed: 0 })
  })

  it('aborted while queued: taken out of the queue, rejects with the reason, never runs; the others run in order', async () => {
    const p = new Pool('s', pool({ concurrency: 1 }), undefined)
    const g = gate()
    const ran: string[] = []
    const first = p.run(async () => { ran.push('first'); await g.opened; return 'first' })
    const controller = new AbortController()
    const second = p.run(() => { ran.push('second') }, { signal: controller.signal })
    const third = p.run(() => { ran.push('third'); return 'third' })
    expect(p.queued).toBe(2)
    controller.abort()
    expect(p.queued).toBe(1)
    const error = await second.catch((e: unknown) => e)
    expect(error).toBe(controller.signal.reason)
    expect((error as Error).name).toBe('AbortError')
    g.open()
    expect(await Promise.all([first, third])).toEqual(['first', 'third'])
    expect(ran).toEqual(['first', 'third'])
    await p.onIdle()
    expect(p.stats()).toMatchObject({ completed: 2, failed: 0, queued: 0, active: 0 })
  })

  it('aborted while running: fn gets the signal and can stop; the task rejects at once and frees its slot', async () => {
    const p = new Pool('s', pool({ concurrency: 1 }), undefined)
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    let stopped = false
    const running = p.run(signal => {
      seen = signal
      return new Promise(() => { signal.addEventListener('abort', () => { stopped = true }) }) // never settles by itself
    }, { signal: controller.signal })
    const next = p.run(() => 'next')
    expect(p.active).toBe(1)
    expect(p.queued).toBe(1)
    const reason = new Error('user cancelled')
    controller.abort(reason)
    await expect(running).rejects.toBe(reason)
    expect(stopped).toBe(true)
    expect(seen!.aborted).toBe(true)
    expect(await next).toBe('next')
    expect(p.stats()).toMatchObject({ completed: 1, failed: 0, cancelled: 1, active: 0, queued: 0 })
  })

  it('a task that settles before the abort keeps its result; the listener is gone once no task uses the signal', async () => {
    const p = new Pool('s', pool({ concurrency: 2 }), undefined)
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, 'addEventListener')
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => p.run(async () => { await tick(); return i }, { signal: controller.signal })))
    expect(results[49]).toBe(49)
    // one listener for the 50 tasks of this signal (no MaxListenersExceeded warning), removed after the last
    expect(add.mock.calls.filter(c => c[0] === 'abort')).toHaveLength(1)
    expect(remove.mock.calls.filter(c => c[0] === 'abort')).toHaveLength(1)
    controller.abort()
    expect(p.stats()).toMatchObject({ completed: 50, failed: 0 })
  })

  it('one signal shared by running and queued tasks: all reject with its reason, the queued never run, onIdle resolves', async () => {
    const p = new Pool('s', pool({ concurrency: 2 }), undefined)
    const controller = new AbortController()
    let started = 0
    const tasks = Array.from({ length: 200 }, () => p.run(signal => { started++; return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('late')))) }, { signal: controller.signal }))
    const other = p.run(() => 'unrelated')
    expect(p.queued).toBe(199)
    controller.abort('enough')
    const outcomes = await Promise.allSettled(tasks)
    expect(outcomes.every(o => o.status === 'rejected' && o.reason === 'enough')).toBe(true)
    expect(started).toBe(2)
    expect(await other).toBe('unrelated')
    await p.onIdle()
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, completed: 1, failed: 0, cancelled: 2 })
  })

  it('with a timeout: either one aborts the task; the timeout is still a TimeoutError', async () => {
    const p = new Pool('s', pool({ concurrency: 1, timeout: 30 }), undefined)
    const never = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    await expect(p.run(never, { signal: new AbortController().signal })).rejects.toBeInstanceOf(TimeoutError)
    const controller = new AbortController()
    const task = p.run(never, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('first')), 5)
    await expect(task).rejects.toThrow('first')
    expect(p.stats()).toMatchObject({ timeouts: 1, failed: 1, cancelled: 1 })
  })

  it('aborted while waiting for a retry: not retried, rejects with the reason; a failure after an abort is not retried either', async () => {
    const p = new Pool('s', pool({ concurrency: 1, retries: 5, backoff: 10_000, maxBackoff: 10_000 }), undefined)
    const controller = new AbortController()
    let calls = 0
    const task = p.run(() => { calls++; throw new Error('flaky') }, { signal: controller.signal })
    await tick()
    expect(calls).toBe(1)
    controller.abort(new Error('give up'))
    await expect(task).rejects.toThrow('give up')
    await p.onIdle() // resolves: the backoff timer is gone, not waiting 10 s
    expect(calls).toBe(1)
    const c2 = new AbortController()
    let calls2 = 0
    const task2 = p.run(() => { calls2++; c2.abort(new Error('aborted inside')); throw new Error('failed after the abort') }, { signal: c2.signal })
    await expect(task2).rejects.toThrow('aborted inside')
    expect(calls2).toBe(1)
  })

  it('the signal reaches a map-free run() under task hooks and the adaptive limit too', async () => {
    const ctx = runtimeContext()
    const events: string[] = []
    ctx.hooks.hook('task:error', e => { events.push(`error ${String((e.error as Error).message)}`) })
    const p = new Pool('s', pool({ concurrency: 'adaptive' }), ctx)
    const controller = new AbortController()
    const task = p.run(signal => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { signal: controller.signal })
    controller.abort(new Error('hooked'))
    await expect(task).rejects.toThrow('hooked')
    expect(events).toEqual(['error hooked'])
  })
})

describe('pool map(items, fn, { signal }): an outside AbortSignal, as p-map', () => {
  it('already aborted: rejects with its reason and runs nothing', async () => {
    const p = new Pool('m', pool({ concurrency: 2 }), undefined)
    let calls = 0
    await expect(p.map([1, 2, 3], () => { calls++ }, { signal: AbortSignal.abort('no') })).rejects.toBe('no')
    expect(calls).toBe(0)
  })

  it('aborted midway: rejects with the reason, queued items never run, running ones see their signal abort, nothing is retried', async () => {
    const p = new Pool('m', pool({ concurrency: 2, retries: 3, backoff: 10_000 }), undefined)
    const controller = new AbortController()
    const started: number[] = []
    let stopped = 0
    const mapped = p.map(Array.from({ length: 50 }, (_, i) => i), (i, _index, signal) => {
      started.push(i)
      return new Promise((_, reject) => signal.addEventListener('abort', () => { stopped++; reject(new Error('stopped')) }))
    }, { signal: controller.signal })
    await tick()
    expect(p.queued).toBe(48)
    controller.abort(new Error('enough'))
    await expect(mapped).rejects.toThrow('enough')
    expect(started).toEqual([0, 1])
    expect(stopped).toBe(2)
    await p.onIdle()
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, retries: 0 })
  })

  it('a map that finishes before the abort keeps its results and leaves no listener; stopOnError still works with a signal', async () => {
    const p = new Pool('m', pool({ concurrency: 4 }), undefined)
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    expect(await p.map([1, 2, 3], async n => { await tick(); return n * 2 }, { signal: controller.signal })).toEqual([2, 4, 6])
    expect(remove).toHaveBeenCalledTimes(1)
    controller.abort()
    const failing = p.map([1, 2, 3], async n => { if (n === 2) throw new Error('two'); await tick(); return n }, { stopOnError: true, signal: new AbortController().signal })
    await expect(failing).rejects.toThrow('two')
  })
})

describe('backoff', () => {
  it('is exponential, capped by maxBackoff, with full jitter in [0, cap]', () => {
    expect([0, 1, 2, 3, 10].map(a => backoffDelay(a, 100, 1000, () => 1))).toEqual([100, 200, 400, 800, 1000])
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0)
    expect(backoffDelay(2, 100, 1000, () => 0.5)).toBe(200)
  })
})

describe('adaptive limit (AIMD)', () => {
  it('increases additively while throughput holds and cuts multiplicatively on failures', () => {
    vi.useFakeTimers()
    try {
      const a = new AdaptiveLimit(4, 1, 16)
      for (let w = 0; w < 3; w++) {
        for (let i = 0; i < a.limit; i++) { vi.advanceTimersByTime(1); a.record(10) }
      }
      expect(a.limit).toBeGreaterThan(4)
      // losses (a reset, a timeout) over the tolerance (pool-adaptive-errors.test.ts: the rule in detail)
      const before = a.limit
      for (let i = 0; i < 2 * ERROR_WINDOW; i++) a.failed('lost', 0)
      expect(a.limit).toBeLessThan(before)
    } finally {
      vi.useRealTimers()
    }
  })

  it('stays within [min, max] and cuts when latency stays worse than its baseline (two windows in a row)', () => {
    vi.useFakeTimers()
    try {
      const a = new AdaptiveLimit(2, 1, 6)
      for (let i = 0; i < 200; i++) { vi.advanceTimersByTime(1); a.record(1) }
      expect(a.limit).toBe(6)
      // 10× the latency: one window holds (a stall of the machine looks the same), the second cuts
      const before = a.limit
      for (let i = 0; i < before; i++) { vi.advanceTimersByTime(2); a.record(10) }
      expect(a.limit).toBe(before)
      for (let i = 0; i < before; i++) { vi.advanceTimersByTime(2); a.record(10) }
      expect(a.limit).toBeLessThan(before)
      for (let i = 0; i < 500; i++) a.failed('lost', 0)
      expect(a.limit).toBe(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('an adaptive pool reports its current concurrency', async () => {
    const p = new Pool('ad', pool({ concurrency: 'adaptive' }), undefined)
    await p.map(Array.from({ length: 200 }, (_, i) => i), async i => i)
    expect(p.stats().adaptive).toBe(true)
    expect(p.stats().concurrency).toBeGreaterThanOrEqual(1)
  })
})

describe('graph', () => {
  const p = () => new Pool('g', pool({ concurrency: 8 }), undefined)

  it('runs dependencies first with results available', async () => {
    const order: string[] = []
    const result = await runGraph({
      c: { deps: ['a', 'b'], run: ({ results }) => { order.push('c'); return (results.a as number) + (results.b as number) } },
      a: { run: () => { order.push('a'); return 1 } },
      b: { deps: ['a'], run: () => { order.push('b'); return 2 } },
    }, p())
    expect(order).toEqual(['a', 'b', 'c'])
    expect(result).toMatchObject({ results: { a: 1, b: 2, c: 3 }, failed: [], skipped: [] })
  })

  it('a cycle is an error naming it, before anything runs', async () => {
    let ran = false
    const err = await runGraph({ x: { run: () => { ran = true } }, a: { deps: ['b'], run: () => 1 }, b: { deps: ['c'], run: () => 1 }, c: { deps: ['a'], run: () => 1 } }, p()).catch(e => e)
    expect(err).toBeInstanceOf(CycleError)
    expect(err.message).toBe('[unperf] dependency cycle in graph: a → b → c → a (→: depends on)')
    expect(err.cycle).toEqual(['a', 'b', 'c', 'a'])
    expect(ran).toBe(false)
  })

  it('a long cycle: the message is shortened, `cycle` has it whole', async () => {
    const tasks = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`t${i}`, { deps: [`t${(i + 1) % 500}`], run: () => i }]))
    const err = await runGraph(tasks, p()).catch(e => e)
    expect(err).toBeInstanceOf(CycleError)
    expect(err.cycle).toHaveLength(501)
    expect(err.message).toBe('[unperf] dependency cycle in graph: t0 → t1 → t2 → t3 → t4 → t5 → t6 → t7 → t8 → t9 → … (489 more) → t499 → t0 (→: depends on)')
  })

  it('a failed task skips its dependents transitively', async () => {
    const r = await runGraph({
      a: { run: () => { throw new Error('a broke') } },
      b: { deps: ['a'], run: () => 1 },
      c: { deps: ['b'], run: () => 1 },
      d: { run: () => 4 },
    }, p())
    expect(r.failed.map(f => f.name)).toEqual(['a'])
    expect(r.skipped.sort()).toEqual(['b', 'c'])
    expect(r.ran).toEqual(['d'])
  })

  it('a failed root of a 20 000-task chain skips the whole chain (no stack overflow)', async () => {
    const tasks: Record<string, { run: () => number; deps?: string[] }> = {}
    for (let i = 0; i < 20_000; i++) tasks[`n${i}`] = { run: () => { if (i === 0) throw new Error('root'); return i }, deps: i === 0 ? [] : [`n${i - 1}`] }
    const r = await runGraph(tasks, p())
    expect(r.failed.map(f => f.name)).toEqual(['n0'])
    expect(r.skipped).toHaveLength(19_999)
  })

  it("a dep named like an Object.prototype key ('constructor') is an unknown dep, not a hang", async () => {
    const err = await runGraph({ a: { deps: ['constructor'], run: () => 1 } }, p()).catch(e => e)
    expect(err).toMatchObject({ code: 'E_GRAPH_DEP', message: expect.stringMatching(/'a' depends on 'constructor'/) })
    await expect(runGraph({ a: { deps: ['toString'], run: () => 1 } }, p())).rejects.toMatchObject({ code: 'E_GRAPH_DEP' })
  })

  it('a task without run, or deps that are not an array, is an error naming the task', async () => {
    await expect(runGraph({ a: {} as never }, p())).rejects.toMatchObject({ code: 'E_GRAPH_TASK', message: expect.stringMatching(/'a' has no run function/) })
    // a string was iterated by character: deps: 'build' depended on 'b', 'u', ...
    await expect(runGraph({ build: { run: () => 1 }, test: { deps: 'build' as never, run: () => 1 } }, p()))
      .rejects.toMatchObject({ code: 'E_GRAPH_TASK', message: expect.stringMatching(/'test': deps must be an array/) })
  })

  it('a 2 000-node graph runs every node once', async () => {
    const tasks: Record<string, { run: () => number; deps?: string[] }> = {}
    let runs = 0
    for (let i = 0; i < 2000; i++) tasks[`n${i}`] = { run: () => { runs++; return i }, deps: i === 0 ? [] : [`n${Math.floor((i - 1) / 2)}`] }
    const r = await runGraph(tasks, p())
    expect(runs).toBe(2000)
    expect(r.ran).toHaveLength(2000)
  })

  it('a random 2 000-node DAG: every task starts after all its deps finished, with their results', async () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const finished = new Set<string>()
    const tasks: Record<string, { run: (ctx: { results: Record<string, unknown> }) => Promise<number>; deps: string[] }> = {}
    let violations = 0
    for (let i = 0; i < 2000; i++) {
      const deps = i === 0 ? [] : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `n${Math.floor(rand() * i)}`)
      tasks[`n${i}`] = {
        deps,
        run: async ({ results }) => {
          for (const d of deps) if (!finished.has(d) || results[d] !== Number(d.slice(1))) violations++
          await null
          finished.add(`n${i}`)
          return i
        },
      }
    }
    const r = await runGraph(tasks, p())
    expect(violations).toBe(0)
    expect(new Set(r.ran).size).toBe(2000)
    expect(r.failed).toEqual([])
  })

  it('independent tasks run in parallel up to the pool limit', async () => {
    let running = 0, max = 0
    const task = { run: async () => { running++; max = Math.max(max, running); await new Promise(r => setTimeout(r, 5)); running-- } }
    await runGraph(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, task])), p())
    expect(max).toBe(8)
  })

  it('a diamond with one failed branch skips the join once', async () => {
    const r = await runGraph({
      a: { run: () => 1 },
      b: { deps: ['a'], run: () => { throw new Error('b broke') } },
      c: { deps: ['a'], run: () => 3 },
      d: { deps: ['b', 'c'], run: () => 4 },
      e: { deps: ['d'], run: () => 5 },
    }, p())
    expect(r.ran.sort()).toEqual(['a', 'c'])
    expect(r.failed.map(f => f.name)).toEqual(['b'])
    expect(r.skipped.sort()).toEqual(['d', 'e'])
  })

  it('an unknown dependency is a clear error', async () => {
    await expect(runGraph({ a: { deps: ['zzz'], run: () => 1 } }, p())).rejects.toThrow(/depends on 'zzz'/)
  })
})
