import { addAbortListener, getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { runGraph } from '../../src/runtime/graph.js'
import { pool } from './_ctx.js'

/**
 * A task with no timeout and no outside signal gets the one signal nothing can abort (no controller
 * per task). What its fn hangs on it (fetch's listener, a cleanup) must not stay there: on one signal
 * for the life of the process it grew by each task (≈ 400 B each, 41 MB after 100 000) and node
 * warned MaxListenersExceededWarning past 10 (past 1 500 for fetch, which raises the limit).
 */
describe('the signal of a task nothing can abort', () => {
  it('keeps none of the abort listeners its tasks add, on every path that hands it out (run, queued run, map, graph)', async () => {
    const p = new Pool('plain', pool({ concurrency: 2 }), undefined)
    const seen = new Set<AbortSignal>()
    const task = async (signal: AbortSignal): Promise<number> => {
      seen.add(signal)
      signal.addEventListener('abort', () => {})
      signal.addEventListener('abort', () => {}, { once: true })
      addAbortListener(signal, () => {}) // what fetch and node's own APIs use
      signal.onabort = () => {}
      await null
      return 1
    }
    // 50 runs on 2 slots: free slots (the direct path) and queued ones (the lanes)
    await Promise.all(Array.from({ length: 50 }, () => p.run(task)))
    await p.map(Array.from({ length: 50 }), (_item, _i, signal) => task(signal))
    await runGraph({ a: { run: ({ signal }) => task(signal) }, b: { deps: ['a'], run: ({ signal }) => task(signal) } }, p, {})
    expect(seen.size).toBe(1)
    const [signal] = seen
    expect(getEventListeners(signal!, 'abort')).toHaveLength(0)
  })

  it('AbortSignal.any() of it and the task\'s own signal (a per-call timeout) leaves nothing on it', async () => {
    // node 20 keeps a WeakRef per any() in the sources' set of dependants, never pruned: ≈ 60 B a
    // task on the one signal for the life of the process (+37 MB after 600 000 tasks)
    const p = new Pool('plain', pool({ concurrency: 4 }), undefined)
    let signal: AbortSignal | undefined
    await p.map(Array.from({ length: 1000 }), (_item, _i, s) => { signal = s; return AbortSignal.any([s, new AbortController().signal]).aborted })
    const dependants = Object.getOwnPropertySymbols(signal!).find(key => key.description === 'kDependantSignals')
    const kept = dependants === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants]
    expect(kept?.size ?? 0).toBe(0)
  })

  it('is still an AbortSignal that never aborts: AbortSignal.any() with it aborts with the other, other events are kept', async () => {
    const p = new Pool('plain', pool(), undefined)
    const signal = await p.run(async s => s)
    expect(signal).toBeInstanceOf(AbortSignal)
    expect(signal.aborted).toBe(false)
    expect(() => signal.throwIfAborted()).not.toThrow()
    const ac = new AbortController()
    const both = AbortSignal.any([signal, ac.signal])
    const reason = new Error('stop')
    ac.abort(reason)
    expect(both.aborted).toBe(true)
    expect(both.reason).toBe(reason)
    expect(signal.aborted).toBe(false)
    const handler = (): void => {}
    signal.onabort = handler
    expect(signal.onabort).toBe(handler)
    signal.onabort = null
    expect(signal.onabort).toBe(null)
    const other = (): void => {}
    signal.addEventListener('other', other)
    expect(getEventListeners(signal, 'other')).toEqual([other])
    signal.removeEventListener('other', other)
  })
})
