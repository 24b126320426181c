import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { runGraph } from '../../src/runtime/graph.js'
import { pool } from './_ctx.js'

const never = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))

describe('pool: tasks ended by an outside signal', () => {
  it('count as cancelled, not failed, and do not shrink an adaptive limit (a cancelled build is not an overloaded pool)', async () => {
    const p = new Pool('gen', pool({ concurrency: 'adaptive' }), undefined)
    const limit = p.concurrency
    for (let round = 0; round < 4; round++) {
      const ac = new AbortController()
      const runs = Array.from({ length: limit }, () => p.run(never, { signal: ac.signal }))
      await new Promise(r => setTimeout(r, 5))
      ac.abort(new Error('cancelled by the user'))
      for (const r of await Promise.allSettled(runs)) expect(r.status).toBe('rejected')
    }
    await p.run(() => { throw new Error('a real failure') }).catch(() => {})
    expect(p.stats()).toMatchObject({ cancelled: 4 * limit, failed: 1, completed: 0 })
    expect(p.concurrency).toBe(limit)
  })
})

describe('pool: a task aborted while it waits for a retry', () => {
  it('counts as cancelled (it ran, failed once, then its signal ended it): it was in no count of stats()', async () => {
    // the backoff has full jitter (uniform in [0, 10 s]): a draw under 20 ms ran the retry before the
    // check below (one CI run in a few hundred); the middle of the range, 5 s, is what this test means
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5)
    onTestFinished(() => random.mockRestore())
    const p = new Pool('net', pool({ concurrency: 2, retries: 3, backoff: 10_000, maxBackoff: 10_000 }), undefined)
    const ac = new AbortController()
    let attempts = 0
    const task = p.run(() => { attempts++; throw new Error('read ECONNRESET') }, { signal: ac.signal })
    // the first attempt failed: it waits for its retry (up to 10 s of backoff)
    await new Promise(r => setTimeout(r, 20))
    expect(p.stats()).toMatchObject({ retries: 1, active: 0, failed: 0 })
    ac.abort(new Error('ctrl-c'))
    await expect(task).rejects.toThrow('ctrl-c')
    await p.onIdle()
    expect(attempts).toBe(1)
    expect(p.stats()).toMatchObject({ retries: 1, cancelled: 1, failed: 0, completed: 0 })
  })
})

describe('pool map with stopOnError: an item waiting for its retry when another item fails for good', () => {
  it('is not run again after the map stopped (its retry timer ran it once more, its signal already aborted)', async () => {
    const p = new Pool('files', pool({ concurrency: 2, retries: 2, backoff: 40, maxBackoff: 40 }), undefined)
    const calls: string[] = []
    const mapped = p.map(['flaky', 'broken'], async (item) => {
      calls.push(item)
      if (item === 'flaky') throw new Error('read ECONNRESET') // retriable: waits for its retry (a timer, ≥ 0 ms of jitter)
      throw new TypeError('broken is not a function') // not retriable: the map stops (in this microtask checkpoint, before any timer)
    }, { stopOnError: true })
    await expect(mapped).rejects.toThrow('broken is not a function')
    await p.onIdle()
    await new Promise(r => setTimeout(r, 100))
    expect(calls).toEqual(['flaky', 'broken'])
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, failed: 1, retries: 1, cancelled: 1 })
  })
})

describe('pool map: input a JavaScript caller may pass', () => {
  it("fn that is not a function, items that are not iterable: one TypeError naming the pool and what is expected (each item failed with 'm.fn is not a function'; null threw synchronously)", async () => {
    const p = new Pool('files', pool({ concurrency: 2 }), undefined)
    await expect(p.map([1, 2], 'stat' as never)).rejects.toThrow("pool 'files': map(items, fn): fn must be a function (called with item, index, signal), got string")
    const mapped = p.map(null as never, (x: number) => x)
    await expect(mapped).rejects.toThrow("pool 'files': map(items, fn): items must be an array, another iterable or an async iterable, got null")
    await expect(p.map(42 as never, (x: number) => x)).rejects.toThrow('items must be an array, another iterable or an async iterable, got number')
    expect(await p.map(new Set([1, 2]), x => x * 2)).toEqual([2, 4])
    expect(p.stats()).toMatchObject({ failed: 0, completed: 2 })
  })
})

describe('an outside signal that is not an AbortSignal (the AbortController passed instead of its signal)', () => {
  it('run, map and a graph reject with a TypeError saying so (map crashed the process: an uncaught TypeError from removeEventListener when it settled)', async () => {
    const p = new Pool('build', pool({ concurrency: 2 }), undefined)
    const controller = new AbortController()
    let ran = 0
    await expect(p.run(() => { ran++ }, { signal: controller as never })).rejects.toThrow("pool 'build': run(fn, { signal }): signal must be an AbortSignal, got an AbortController (pass controller.signal)")
    await expect(p.map([1, 2], () => { ran++ }, { signal: controller as never })).rejects.toThrow("pool 'build': map(items, fn, { signal }): signal must be an AbortSignal, got an AbortController (pass controller.signal)")
    await expect(runGraph({ a: { run: () => { ran++ } } }, p, { signal: 'stop' as never })).rejects.toThrow('perf.graph(tasks, { signal }): signal must be an AbortSignal, got string')
    expect(ran).toBe(0)
    // the pool is unharmed: a real signal works after
    expect(await p.map([1, 2], x => x + 1, { signal: controller.signal })).toEqual([2, 3])
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, completed: 2, failed: 0 })
  })
})

describe('pool map with stopOnError: the items in flight that stop when the map stops', () => {
  it('count as cancelled, not failed, and an adaptive pool does not take them for failures', async () => {
    const p = new Pool('gen', pool({ concurrency: 'adaptive' }), undefined)
    const limit = p.concurrency
    const items = Array.from({ length: limit }, (_, i) => i)
    const mapped = p.map(items, async (i, _index, signal) => {
      if (i === 0) {
        await new Promise(r => setTimeout(r, 5))
        throw new TypeError('template 0 is broken')
      }
      return never(signal) // honours its signal: rejects with the map's first error
    }, { stopOnError: true })
    await expect(mapped).rejects.toThrow('template 0 is broken')
    await p.onIdle()
    expect(p.stats()).toMatchObject({ failed: 1, cancelled: limit - 1, completed: 0 })
    expect(p.concurrency).toBe(limit)
  })
})
