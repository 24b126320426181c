import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TimeoutError } from '../../src/errors.js'
import { Pool } from '../../src/runtime/pool.js'
import { PairQueue } from '../../src/runtime/pool-queue.js'
import { pool, runtimeContext } from './_ctx.js'

const tick = () => new Promise(r => setImmediate(r))

describe('PairQueue', () => {
  it('is FIFO across many chunks, with interleaved pushes and shifts', () => {
    const q = new PairQueue<number>()
    const out: number[] = []
    let next = 0
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) { q.push(next, -next); next++ }
      for (let i = 0; i < 2000 && q.shift(); i++) { expect(q.b).toBe(-q.a!); out.push(q.a!) }
    }
    while (q.shift()) out.push(q.a!)
    expect(q.size).toBe(0)
    expect(q.shift()).toBe(false)
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i))
  })

  it('unshift puts a pair in front: on an empty queue, after shifts, and before an unread chunk start', () => {
    const q = new PairQueue<string>()
    q.unshift('a', undefined)
    q.push('b', undefined)
    expect(q.size).toBe(2)
    const drain = () => { const r: string[] = []; while (q.shift()) r.push(q.a!); return r }
    expect(drain()).toEqual(['a', 'b'])
    for (let i = 0; i < 1500; i++) q.push(`p${i}`, undefined)
    q.unshift('front', undefined) // the first chunk is unread from slot 0: a new chunk goes in front
    q.shift(); q.shift()
    q.unshift('again', undefined) // after two shifts: written just before the head
    const all = drain()
    expect(all.slice(0, 2)).toEqual(['again', 'p1'])
    expect(all).toHaveLength(1500)
    expect(all.at(-1)).toBe('p1499')
  })

  it('remove takes a pair out anywhere (several chunks, a chunk emptied in the middle, the last one); order and size stay right', () => {
    const q = new PairQueue<number>()
    for (let i = 0; i < 5000; i++) q.push(i, -i)
    const removed = new Set<number>([0, 1, 1023, 1024, 2047, 4999])
    for (let i = 2048; i < 3072; i++) removed.add(i) // the whole third chunk
    for (const n of removed) expect(q.remove(n)).toBe(true)
    expect(q.remove(1)).toBe(false)
    expect(q.remove(123_456)).toBe(false)
    expect(q.size).toBe(5000 - removed.size)
    q.unshift(-1, 1)
    q.push(5000, -5000)
    const out: number[] = []
    while (q.shift()) { expect(q.b).toBe(-q.a!); out.push(q.a!) }
    expect(out).toEqual([-1, ...Array.from({ length: 5001 }, (_, i) => i).filter(i => !removed.has(i))])
    // emptied by remove: rewound, usable again
    q.push(7, -7)
    expect(q.remove(7)).toBe(true)
    expect(q.size).toBe(0)
    expect(q.shift()).toBe(false)
    q.push(8, -8)
    expect(q.shift() && q.a).toBe(8)
  })
})

describe('pool run() paths', () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => { unhandled.push(reason) }
  beforeEach(() => { unhandled.length = 0; process.on('unhandledRejection', onUnhandled) })
  afterEach(() => { process.off('unhandledRejection', onUnhandled) })

  it('a saturated pool starts queued tasks in submission order and settles each with its own outcome', async () => {
    const p = new Pool('q', pool({ concurrency: 3 }), undefined)
    const started: number[] = []
    let running = 0, max = 0
    const results = Array.from({ length: 5000 }, (_, i) => p.run(async signal => {
      started.push(i)
      expect(signal).toBeInstanceOf(AbortSignal)
      running++; max = Math.max(max, running)
      if (i % 10 === 0) await tick()
      running--
      if (i % 7 === 0) throw new Error(`bad ${i}`)
      return i
    }))
    expect(p.active).toBe(3)
    expect(p.queued).toBe(4997)
    const settled = await Promise.allSettled(results)
    expect(started).toEqual(Array.from({ length: 5000 }, (_, i) => i))
    expect(max).toBe(3)
    settled.forEach((s, i) => {
      if (i % 7 === 0) expect(s).toMatchObject({ status: 'rejected', reason: { message: `bad ${i}` } })
      else expect(s).toEqual({ status: 'fulfilled', value: i })
    })
    await tick()
    expect(unhandled).toEqual([])
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, completed: 5000 - 715, failed: 715 })
  })

  it('synchronous results and throws, and foreign thenables, on a free slot and from the queue', async () => {
    const p = new Pool('s', pool({ concurrency: 1 }), undefined)
    const thenable = { then: (ok: (v: string) => void) => { ok('from thenable') } }
    const blocker = p.run(() => tick().then(() => 'blocker')) // direct: the slot is free
    const queued = [
      p.run(() => 'sync value'),
      p.run(() => { throw new Error('sync throw') }),
      p.run(() => thenable as unknown as Promise<string>),
    ]
    expect(p.queued).toBe(3)
    expect(await blocker).toBe('blocker')
    expect(await Promise.allSettled(queued)).toEqual([
      { status: 'fulfilled', value: 'sync value' },
      { status: 'rejected', reason: new Error('sync throw') },
      { status: 'fulfilled', value: 'from thenable' },
    ])
    // the same three on a free slot: a synchronous throw is a rejection, never thrown by run()
    expect(await p.run(() => 'sync value')).toBe('sync value')
    await expect(p.run(() => { throw new Error('sync throw') })).rejects.toThrow('sync throw')
    expect(await p.run(() => thenable as unknown as Promise<string>)).toBe('from thenable')
    const hostile = { get then() { throw new Error('then getter') } }
    await expect(p.run(() => hostile)).rejects.toThrow('then getter')
    await p.onIdle()
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, completed: 5, failed: 3 })
    expect(unhandled).toEqual([])
  })

  it('an unhandled failed run() is reported once, as its own promise', async () => {
    const p = new Pool('u', pool({ concurrency: 1 }), undefined)
    const promises: Promise<unknown>[] = []
    const onPromise = (_: unknown, promise: Promise<unknown>) => { promises.push(promise) }
    process.on('unhandledRejection', onPromise)
    try {
      const first = p.run(() => tick())
      const failing = p.run(async () => { throw new Error('nobody listens') })
      await first
      await tick(); await tick()
      expect(unhandled).toEqual([new Error('nobody listens')])
      expect(promises[0]).toBe(failing)
    } finally {
      process.off('unhandledRejection', onPromise)
    }
  })

  it('retries a queued plain run() under one task id, its first attempt before later tasks', async () => {
    const ctx = runtimeContext()
    const retried: number[] = []
    ctx.hooks.hook('task:retry', e => { retried.push(e.id) })
    const p = new Pool('r', pool({ concurrency: 1, retries: 2, backoff: 1, maxBackoff: 2 }), ctx)
    const order: string[] = []
    let calls = 0
    const gate = p.run(() => tick())
    const flaky = p.run(async () => { order.push(`flaky ${++calls}`); if (calls < 3) throw new Error('flaky'); return 'ok' })
    const later = p.run(async () => { order.push('later'); return 'later' })
    await gate
    expect(await flaky).toBe('ok')
    expect(await later).toBe('later')
    // `later` may run while flaky waits for its backoff (the slot is free then), never before its first attempt
    expect(order[0]).toBe('flaky 1')
    expect(order.filter(o => o.startsWith('flaky'))).toEqual(['flaky 1', 'flaky 2', 'flaky 3'])
    expect(retried).toHaveLength(2)
    expect(new Set(retried).size).toBe(1)
    expect(p.stats()).toMatchObject({ retries: 2, completed: 3, failed: 0 })
  })

  it('hook listeners added while tasks are queued apply to the tasks started after', async () => {
    const ctx = runtimeContext()
    const p = new Pool('h', pool({ concurrency: 1 }), ctx)
    const first = p.run(() => tick().then(() => 1))
    const rest = [p.run(async () => 2), p.run(async () => { throw new Error('3') })]
    const events: string[] = []
    ctx.hooks.hook('task:start', e => { events.push(`start ${e.id}`) })
    ctx.hooks.hook('task:end', e => { events.push(`end ${e.id} ${e.duration! >= 0}`) })
    ctx.hooks.hook('task:error', e => { events.push(`error ${e.id} ${(e.error as Error).message}`) })
    await first
    await Promise.allSettled(rest)
    expect(events).toHaveLength(4)
    const [start2, end2, start3, error3] = events
    const id2 = Number(start2!.split(' ')[1])
    expect(end2).toBe(`end ${id2} true`)
    expect(start3).toBe(`start ${id2 + 1}`)
    expect(error3).toBe(`error ${id2 + 1} 3`)
  })

  it('a queued task under a timeout gets its own signal, aborted on time', async () => {
    const p = new Pool('t', pool({ concurrency: 1, timeout: 20 }), undefined)
    const signals: AbortSignal[] = []
    const tasks = [0, 1].map(() => p.run(signal => { signals.push(signal); return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))) }))
    const errors = await Promise.all(tasks.map(t => t.catch(e => e)))
    expect(errors.every(e => e instanceof TimeoutError)).toBe(true)
    expect(signals).toHaveLength(2)
    expect(signals[0]).not.toBe(signals[1])
    expect(signals.every(s => s.aborted)).toBe(true)
    expect(p.stats()).toMatchObject({ timeouts: 2, failed: 2 })
    // a synchronous result or throw under a timeout settles at once, no timeout counted
    expect(await p.run(() => 'sync')).toBe('sync')
    await expect(p.run(() => { throw new Error('sync throw') })).rejects.toThrow('sync throw')
    expect(p.stats()).toMatchObject({ timeouts: 2, failed: 3, completed: 1 })
  })

  it('an adaptive pool never runs more run() tasks than its current concurrency', async () => {
    const p = new Pool('ad', pool({ concurrency: 'adaptive' }), undefined)
    let running = 0, over = 0
    const all = Array.from({ length: 600 }, (_, i) => p.run(async () => {
      running++
      if (running > p.concurrency) over++
      await tick()
      running--
      return i
    }))
    expect((await Promise.all(all))[599]).toBe(599)
    expect(over).toBe(0)
    expect(p.stats()).toMatchObject({ active: 0, queued: 0, completed: 600 })
  })

  it('map with a synchronous fn and stopOnError: the first throw cancels the rest', async () => {
    const p = new Pool('m', pool({ concurrency: 2 }), undefined)
    const ran: number[] = []
    const err = await p.map([0, 1, 2, 3, 4], i => { ran.push(i); if (i === 1) throw new Error('one'); return i }, { stopOnError: true }).catch(e => e)
    expect(err.message).toBe('one')
    expect(ran).toEqual([0, 1])
    expect(await p.map([1, 2, 3], i => i * 2)).toEqual([2, 4, 6])
  })
})
