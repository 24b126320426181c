import { describe, expect, it, vi } from 'vitest'
import { TimeoutError, CycleError } from '../../src/errors.js'
import { createPoolManager, Pool } from '../../src/runtime/pool.js'
import { AdaptiveLimit } from '../../src/runtime/pool-adaptive.js'
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
    const err = await p.run(signal => new Promise((_, reject) => signal.addEventListener('abort', () => { aborted = true; reject(signal.reason) }))).catch(e => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(err.message).toContain("pool 'net'")
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
})

describe('adaptive limit (AIMD)', () => {
  it('increases additively while throughput holds and cuts multiplicatively on failures', () => {
    vi.useFakeTimers()
    try {
      const a = new AdaptiveLimit(4, 1, 16)
      for (let w = 0; w < 3; w++) {
        for (let i = 0; i < a.limit; i++) { vi.advanceTimersByTime(1); a.record(10, false) }
      }
      expect(a.limit).toBeGreaterThan(4)
      const before = a.limit
      for (let i = 0; i < before; i++) a.record(10, i === 0)
      expect(a.limit).toBe(Math.max(1, Math.floor(before * 0.7)))
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
    expect(err.message).toMatch(/a → b → c → a/)
    expect(ran).toBe(false)
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

  it('a 2 000-node graph runs every node once', async () => {
    const tasks: Record<string, { run: () => number; deps?: string[] }> = {}
    let runs = 0
    for (let i = 0; i < 2000; i++) tasks[`n${i}`] = { run: () => { runs++; return i }, deps: i === 0 ? [] : [`n${Math.floor((i - 1) / 2)}`] }
    const r = await runGraph(tasks, p())
    expect(runs).toBe(2000)
    expect(r.ran).toHaveLength(2000)
  })

  it('an unknown dependency is a clear error', async () => {
    await expect(runGraph({ a: { deps: ['zzz'], run: () => 1 } }, p())).rejects.toThrow(/depends on 'zzz'/)
  })
})
