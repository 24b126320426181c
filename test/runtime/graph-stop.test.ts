import { getEventListeners } from 'node:events'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { GraphError } from '../../src/errors.js'
import { Pool } from '../../src/runtime/pool.js'
import { runGraph } from '../../src/runtime/graph.js'
import type { GraphTask } from '../../src/runtime/types.js'
import { pool } from './_ctx.js'

/** Resolves when the signal aborts (with its reason), or after ms. */
const untilAborted = (signal: AbortSignal, ms: number) => new Promise<string>(resolve => {
  const timer = setTimeout(() => resolve('not aborted'), ms)
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve('aborted') }, { once: true })
})

describe('graph: stopOnError and an outside signal', () => {
  it('stopOnError: the first failure aborts the running tasks\' signal, starts nothing more, rejects naming the task', async () => {
    const p = new Pool('g', pool({ concurrency: 2 }), undefined)
    const started: string[] = []
    let slowSaw = ''
    let slowSettled!: Promise<void>
    const broken = new Error('template missing')
    const err = await runGraph({
      slow: { run: ({ signal }) => { started.push('slow'); slowSettled = untilAborted(signal, 2000).then(r => { slowSaw = r }); return slowSettled } },
      bad: { run: async () => { started.push('bad'); await new Promise(r => setTimeout(r, 20)); throw broken } },
      later: { run: () => { started.push('later'); return 1 } },          // queued behind the two slots
      after: { deps: ['slow'], run: () => { started.push('after'); return 1 } },
    }, p, { stopOnError: true }).catch(e => e)
    expect(err).toBeInstanceOf(GraphError)
    expect(err).toMatchObject({ code: 'E_GRAPH_STOPPED', task: 'bad', cause: broken })
    expect(err.message).toContain("graph task 'bad' failed, graph stopped: template missing")
    expect(err.result.failed).toEqual([{ name: 'bad', error: broken }])
    await slowSettled
    expect(slowSaw).toBe('aborted')
    await p.onIdle()
    expect(started.sort()).toEqual(['bad', 'slow'])
  })

  it('an uncaught GraphError prints the task and its error, not the results of every task that ran', async () => {
    const p = new Pool('g', pool({ concurrency: 4 }), undefined)
    const tasks: Record<string, GraphTask> = {}
    for (let i = 0; i < 2000; i++) tasks[`Model${i}`] = { deps: i === 0 ? [] : [`Model${i - 1}`], run: () => { if (i === 1999) throw new Error('template missing'); return { code: 'x'.repeat(200) } } }
    const err = await runGraph(tasks, p, { stopOnError: true }).catch(e => e)
    expect(err.result.ran).toHaveLength(1999)
    const printed = inspect(err)
    expect(printed).toContain("graph task 'Model1999' failed, graph stopped: template missing")
    expect(printed).toContain("task: 'Model1999'")
    expect(printed.length).toBeLessThan(5000) // the results of the tasks that ran were printed with it (55 kB here, inspect cutting arrays at 100)
  })

  it('without stopOnError a failure skips its dependents only: independent tasks run on, their signal never aborts', async () => {
    const p = new Pool('g', pool({ concurrency: 2 }), undefined)
    let slowSaw = ''
    const r = await runGraph({
      slow: { run: async ({ signal }) => { slowSaw = await untilAborted(signal, 80) } },
      bad: { run: () => { throw new Error('x') } },
      dep: { deps: ['bad'], run: () => 1 },
      later: { run: () => 2 },
    }, p)
    expect(slowSaw).toBe('not aborted')
    expect(r.ran.sort()).toEqual(['later', 'slow'])
    expect(r.skipped).toEqual(['dep'])
  })

  it('an outside signal: the graph rejects with its reason, running tasks see it abort, the rest never start', async () => {
    const p = new Pool('g', pool({ concurrency: 1 }), undefined)
    const ac = new AbortController()
    const started: string[] = []
    let sawReason: unknown
    const graph = runGraph({
      a: { run: async ({ signal }) => { started.push('a'); await untilAborted(signal, 2000); sawReason = signal.reason } },
      b: { run: () => { started.push('b') } },            // queued: concurrency 1
      c: { deps: ['a'], run: () => { started.push('c') } },
    }, p, { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('user pressed ctrl-c')), 20)
    await expect(graph).rejects.toThrow('user pressed ctrl-c')
    await p.onIdle()
    expect(sawReason).toEqual(new Error('user pressed ctrl-c'))
    expect(started).toEqual(['a'])
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0)
  })

  it('an already aborted signal runs nothing; a graph that finishes removes its abort listener', async () => {
    const p = new Pool('g', pool({ concurrency: 2 }), undefined)
    let ran = 0
    const aborted = AbortSignal.abort(new Error('too late'))
    await expect(runGraph({ a: { run: () => { ran++ } } }, p, { signal: aborted })).rejects.toThrow('too late')
    expect(ran).toBe(0)
    const ac = new AbortController()
    const r = await runGraph({ a: { run: () => 1 }, b: { deps: ['a'], run: () => 2 } }, p, { signal: ac.signal })
    expect(r.results).toEqual({ a: 1, b: 2 })
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0)
  })

  it("stopOnError waits for the pool's retries: a task that fails once then succeeds does not stop the graph", async () => {
    const p = new Pool('g', pool({ concurrency: 2, retries: 2, backoff: 1 }), undefined)
    let attempts = 0
    const r = await runGraph({
      flaky: { run: () => { if (++attempts === 1) throw new Error('ECONNRESET'); return 'ok' } },
      next: { deps: ['flaky'], run: ({ results }) => `${results.flaky} too` },
    }, p, { stopOnError: true })
    expect(attempts).toBe(2)
    expect(r.results).toEqual({ flaky: 'ok', next: 'ok too' })
    expect(r.failed).toEqual([])
  })

  it("a task's signal is the pool's: it aborts on the pool's timeout (it was the graph's own, which never aborted)", async () => {
    const p = new Pool('g', pool({ concurrency: 2, timeout: 30 }), undefined)
    let saw = ''
    const r = await runGraph({ slow: { run: async ({ signal }) => { saw = await untilAborted(signal, 1000) } } }, p)
    expect(r.failed[0]).toMatchObject({ name: 'slow', error: { code: 'E_TIMEOUT' } })
    await p.onIdle()
    await new Promise(r => setTimeout(r, 10))
    expect(saw).toBe('aborted')
  })
})

describe('a task that throws something other than an Error', () => {
  it("stopOnError: the GraphError's message says what was thrown (a plain object was '[object Object]'); the value itself is the cause", async () => {
    const p = new Pool('g', pool({ concurrency: 2 }), undefined)
    const thrown = { code: 'EBUILD', message: 'esbuild: 3 errors' }
    const err = await runGraph({ bundle: { run: () => { throw thrown } } }, p, { stopOnError: true }).catch(e => e)
    expect(err).toBeInstanceOf(GraphError)
    expect(err.message).toBe("[unperf] graph task 'bundle' failed, graph stopped: esbuild: 3 errors")
    expect(err.cause).toBe(thrown)
    // no message: what it is, and its code; never its values (a thrown config object may hold a password)
    const bare = await runGraph({ bundle: { run: () => { throw { code: 'EBUILD', password: 'hunter2' } } } }, p, { stopOnError: true }).catch(e => e)
    expect(bare.message).toBe("[unperf] graph task 'bundle' failed, graph stopped: an object thrown (not an Error), code 'EBUILD'")
    expect(bare.message).not.toContain('hunter2')
    const strings = await runGraph({ lint: { run: () => Promise.reject('3 lint errors') } }, p, { stopOnError: true }).catch(e => e)
    expect(strings.message).toBe("[unperf] graph task 'lint' failed, graph stopped: 3 lint errors")
    const nothing = await runGraph({ lint: { run: () => { throw undefined } } }, p, { stopOnError: true }).catch(e => e)
    expect(nothing.message).toBe("[unperf] graph task 'lint' failed, graph stopped: undefined thrown (not an Error)")
  })

  it('without stopOnError: the value is in failed, its dependents skipped, the graph resolves', async () => {
    const p = new Pool('g', pool({ concurrency: 2 }), undefined)
    const result = await runGraph({ a: { run: () => { throw 'no' } }, b: { deps: ['a'], run: () => 1 }, c: { run: () => Promise.reject(null) }, d: { run: () => 4 } }, p)
    expect(result.failed).toEqual([{ name: 'a', error: 'no' }, { name: 'c', error: null }])
    expect(result.skipped).toEqual(['b'])
    expect(result.results).toEqual({ d: 4 })
  })
})
