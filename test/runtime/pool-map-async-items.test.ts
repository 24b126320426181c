/**
 * pool.map() over an async iterable, as p-map takes one: items are pulled only as slots free up (the
 * iterable is never drained ahead of the work), results keep the iterable's order, stopOnError stops
 * the pulling, and an iterator that throws rejects the map. Before, map() refused it with a TypeError.
 * Also: a promise item that rejects is that item's failure at once, never retried (fn never ran).
 */
import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { pool, runtimeContext } from './_ctx.js'

const tick = () => new Promise(r => setTimeout(r, 2))

describe('pool.map: async iterables', () => {
  it('pulls items as slots free up, never ahead of the work, and keeps their order', async () => {
    const p = new Pool('net', pool({ concurrency: 2 }), runtimeContext())
    let pulled = 0
    let finished = 0
    let maxAhead = 0
    async function* source() {
      for (let i = 0; i < 6; i++) {
        await tick()
        pulled++
        maxAhead = Math.max(maxAhead, pulled - finished)
        yield i
      }
    }
    const out = await p.map(source(), async (n, i) => { await tick(); finished++; return n * 10 + i })
    expect(out).toEqual([0, 11, 22, 33, 44, 55])
    expect(maxAhead).toBeLessThanOrEqual(2)
    expect(await p.map((async function* () {})(), n => n)).toEqual([])
  })

  it('stopOnError: the first failure rejects the map and no more items are pulled; without it the errors are aggregated', async () => {
    const p = new Pool('net', pool({ concurrency: 1 }), runtimeContext())
    let pulled = 0
    async function* source() { for (let i = 0; i < 10; i++) { pulled++; yield i } }
    await expect(p.map(source(), async n => { if (n === 1) throw new Error('item 1'); return n }, { stopOnError: true })).rejects.toThrow('item 1')
    await p.onIdle()
    expect(pulled).toBeLessThanOrEqual(3)
    const all = await p.map(source(), async n => { if (n % 5 === 0) throw new Error(`item ${n}`); return n }).catch((e: unknown) => e)
    expect(all).toBeInstanceOf(AggregateError)
    expect((all as AggregateError).errors.map(e => (e as Error).message)).toEqual(['item 0', 'item 5'])
  })

  it('an iterator that throws rejects the map with its error', async () => {
    const p = new Pool('net', pool({ concurrency: 2 }), runtimeContext())
    async function* source() { yield 1; throw new Error('source broke') }
    await expect(p.map(source(), async n => n)).rejects.toThrow('source broke')
  })

  it('an outside signal aborted while the iterable waits rejects the map with its reason', async () => {
    const p = new Pool('net', pool({ concurrency: 2 }), runtimeContext())
    const controller = new AbortController()
    async function* source() { yield 1; await new Promise(r => setTimeout(r, 50)); yield 2 }
    const out = p.map(source(), async n => n, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stop')), 5)
    await expect(out).rejects.toThrow('stop')
  })

  it('a promise item that rejects fails its item at once: not retried under the pool\'s retries', async () => {
    const p = new Pool('net', pool({ concurrency: 1, retries: 3 }), runtimeContext())
    const failing = Promise.reject(new Error('item failed'))
    failing.catch(() => {})
    let calls = 0
    await expect(p.map([failing], async n => { calls++; return n })).rejects.toThrow('item failed')
    expect(calls).toBe(0)
    expect(p.stats()).toMatchObject({ retries: 0, failed: 1 })
  })
})
