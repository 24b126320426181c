import { describe, expect, it, vi } from 'vitest'
import { SNAPSHOTS_KEPT, createMemoryTracker } from '../../src/runtime/memory.js'
import { SPANS_KEPT, createTracer } from '../../src/runtime/span.js'

describe('tracer', () => {
  it('nests spans, records status, and keeps errors', async () => {
    const t = createTracer()
    await t.command('build', () => t.span('outer', async () => {
      await t.span('inner', () => 1)
      await expect(t.span('bad', () => { throw new Error('x') })).rejects.toThrow('x')
    }))
    const byName = Object.fromEntries(t.records().map(r => [r.name, r]))
    expect(byName.inner).toMatchObject({ depth: 1, parent: 'outer', status: 'ok', command: 'build' })
    expect(byName.bad).toMatchObject({ depth: 1, parent: 'outer', status: 'error' })
    expect(byName.outer).toMatchObject({ depth: 0, status: 'ok' })
    expect(byName.outer!.duration).toBeGreaterThanOrEqual(byName.inner!.duration)
  })

  it('breaks startup into phases that end at the first command and add up to it', () => {
    const t = createTracer()
    t.mark('config')
    t.mark('plugins')
    void t.command('first', async () => {})
    t.mark('ignored after startup')
    const phases = t.phases()
    expect(phases.map(p => p.name)).toEqual(['boot', 'modules', 'config', 'plugins'])
    const total = phases.reduce((a, p) => a + p.duration, 0)
    expect(total).toBeCloseTo(t.startupEnd!, 5)
    expect(phases.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 5)
  })

  it('exports Chrome trace complete events in microseconds', async () => {
    const t = createTracer()
    await t.command('x', () => t.span('work', () => 1))
    const events = t.traceEvents()
    const work = events.find(e => e.name === 'work')!
    expect(work).toMatchObject({ ph: 'X', pid: process.pid, tid: 0, cat: 'span,x' })
    expect(Number.isInteger(work.ts)).toBe(true)
    expect(events.some(e => e.ph === 'M' && e.name === 'process_name')).toBe(true)
  })

  it('trace events are complete events Perfetto loads: startup phases on their own track, spans with args', async () => {
    const t = createTracer()
    t.mark('config')
    await t.command('build', async () => {
      await t.span('a', async () => { await t.span('b', async () => 2) })
      await expect(t.span('c', async () => { throw new Error('no') })).rejects.toThrow('no')
    })
    const events = JSON.parse(JSON.stringify(t.traceEvents())) as Record<string, unknown>[]
    for (const e of events.filter(e => e.ph === 'X')) {
      expect(e).toMatchObject({ pid: process.pid })
      expect(typeof e.name).toBe('string')
      expect(typeof e.cat).toBe('string')
      expect(Number.isInteger(e.ts) && Number.isInteger(e.dur) && (e.dur as number) >= 0).toBe(true)
      expect(typeof e.tid).toBe('number')
    }
    const startup = events.filter(e => e.cat === 'startup').map(e => e.name)
    expect(startup).toEqual(['boot', 'modules', 'config'])
    expect(events.find(e => e.name === 'b')).toMatchObject({ args: { depth: 1, parent: 'a', status: 'ok' } })
    expect(events.find(e => e.name === 'c')).toMatchObject({ args: { depth: 0, status: 'error' } })
    expect(events.find(e => e.name === 'thread_name' && e.tid === 1)).toMatchObject({ ph: 'M', args: { name: 'startup' } })
  })

  it('sequential siblings share the enclosing parent; concurrent spans all close; records are in start order', async () => {
    const t = createTracer()
    await t.span('root', async () => {
      await t.span('first', async () => { await null })
      await t.span('second', () => 1)
      await Promise.all(['x', 'y', 'z'].map(n => t.span(n, () => new Promise(r => setTimeout(r, n === 'x' ? 5 : 1)))))
      await t.span('after', () => 1)
    })
    const records = t.records()
    expect(records.map(r => r.name)).toEqual(['root', 'first', 'second', 'x', 'y', 'z', 'after'])
    for (const name of ['first', 'second', 'x', 'after']) expect(records.find(r => r.name === name)).toMatchObject({ parent: 'root', depth: 1 })
    // documented limit (no AsyncLocalStorage): spans started in one synchronous run nest under the still-open one
    expect(records.find(r => r.name === 'y')!.depth).toBeGreaterThanOrEqual(1)
    expect(records.every(r => r.status === 'ok')).toBe(true)
    expect(records[0]).not.toHaveProperty('parent')
  })

  it('concurrent commands: each span names its own command and nests under its own spans; an awaited inner command is a root (it nested under the span it ran in)', async () => {
    const t = createTracer()
    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
    const job = (name: string, ms: number) => t.command(name, async () => {
      await sleep(1)
      await t.span(`${name}:outer`, async () => {
        await sleep(ms)
        await t.span(`${name}:inner`, () => sleep(ms))
      })
    })
    // 'a' starts first and ends last: 'b' starts, nests and ends while a's spans are open
    await Promise.all([job('a', 20), job('b', 2)])
    await t.command('outer', () => t.span('o1', async () => {
      await t.command('inner', () => t.span('i1', () => sleep(1)))
      await t.span('o2', () => 1)
    }))
    await t.command('after', () => t.span('x', () => 1))
    const byName = Object.fromEntries(t.records().map(r => [r.name, r]))
    expect(byName['a:outer']).toMatchObject({ command: 'a', depth: 0 })
    expect(byName['a:outer']).not.toHaveProperty('parent')
    expect(byName['a:inner']).toMatchObject({ command: 'a', depth: 1, parent: 'a:outer' })
    expect(byName['b:outer']).toMatchObject({ command: 'b', depth: 0 })
    expect(byName['b:outer']).not.toHaveProperty('parent')
    expect(byName['b:inner']).toMatchObject({ command: 'b', depth: 1, parent: 'b:outer' })
    expect(byName.i1).toMatchObject({ command: 'inner', depth: 0 })
    expect(byName.i1).not.toHaveProperty('parent')
    expect(byName.i1).not.toHaveProperty('parentId')
    expect(byName.o2).toMatchObject({ command: 'outer', depth: 1, parent: 'o1' })
    expect(byName.x).toMatchObject({ command: 'after', depth: 0 })
  })

  it('1 000 concurrent spans all close', async () => {
    const t = createTracer()
    await Promise.all(Array.from({ length: 1000 }, (_, i) => t.span(`s${i}`, async () => { await null; return i })))
    expect(t.records()).toHaveLength(1000)
    expect(t.records().every(r => r.status === 'ok')).toBe(true)
    await t.span('later', () => 1)
    expect(t.records().at(-1)).toMatchObject({ name: 'later', depth: 0 })
  })

  it('a long-running process: keeps the newest spans, counts the dropped ones; a span open across the drop still ends and parents', async () => {
    const t = createTracer()
    let release!: () => void
    // a server-long span of a command, open while 30 000 requests' spans run under it
    await t.command('serve', async () => {
      const server = t.span('server', () => new Promise<void>(r => { release = r }))
      for (let i = 0; i < 30_000; i++) {
        await t.span('handle', () => t.span(`q${i}`, () => i))
      }
      const mid = t.records()
      expect(mid).toHaveLength(SPANS_KEPT)
      expect(t.dropped).toBe(60_001 - SPANS_KEPT)
      // the newest, in start order, nesting kept
      expect(mid.at(-1)).toMatchObject({ name: 'q29999', parent: 'handle', depth: 2, command: 'serve' })
      expect(mid.at(-2)).toMatchObject({ name: 'handle', parent: 'server', depth: 1 })
      await t.span('late', () => t.span('child', () => 1))
      release()
      await server
    })
    await t.span('after', () => 1)
    const records = t.records()
    expect(records).toHaveLength(SPANS_KEPT)
    expect(records.at(-2)).toMatchObject({ name: 'child', parent: 'late', depth: 2 })
    expect(records.at(-1)).toMatchObject({ name: 'after', depth: 0 })
    expect(records.at(-1)).not.toHaveProperty('parent')
    expect(t.traceEvents().filter(e => e.ph === 'X' && e.cat !== 'startup')).toHaveLength(SPANS_KEPT)
  })
})

describe('memory tracker', () => {
  it('snapshots every field and tracks a peak above the start', () => {
    const m = createMemoryTracker()
    const s = m.snapshot('start')
    expect(Object.keys(s).sort()).toEqual(['arrayBuffers', 'external', 'heapTotal', 'heapUsed', 'label', 'rss', 'time'])
    const stop = m.trackPeak()
    const big = Buffer.alloc(64 * 1024 * 1024, 1)
    const peak = stop()
    expect(big.length).toBe(64 * 1024 * 1024)
    expect(peak).toBeGreaterThanOrEqual(s.rss)
  })

  it('trend: least squares over heapUsed', () => {
    const m = createMemoryTracker()
    const list = m.snapshots()
    for (let i = 0; i < 10; i++) list.push({ label: String(i), time: i * 2000, rss: 0, heapUsed: 50e6 + i * 2e6, heapTotal: 0, external: 0, arrayBuffers: 0 })
    expect(m.trend()).toMatchObject({ direction: 'growing', samples: 10 })
    expect(m.trend().slope).toBeCloseTo(1e6, 0)
    expect(m.leakWarning()).toMatch(/keeps growing/)
    list.splice(0, list.length, ...list.map((s, i) => ({ ...s, heapUsed: 50e6 + (i % 2) * 1000 })))
    expect(m.trend().direction).toBe('stable')
    expect(m.leakWarning()).toBeUndefined()
  })

  it('trend: shrinking, and fewer than 2 snapshots is stable', () => {
    const m = createMemoryTracker()
    expect(m.trend()).toEqual({ direction: 'stable', slope: 0, samples: 0 })
    const list = m.snapshots()
    for (let i = 0; i < 6; i++) list.push({ label: String(i), time: i * 1000, rss: 0, heapUsed: 80e6 - i * 1e6, heapTotal: 0, external: 0, arrayBuffers: 0 })
    expect(m.trend().direction).toBe('shrinking')
    expect(m.trend().slope).toBeCloseTo(-1e6, 0)
  })

  it('a short growing series is not a leak warning (needs ≥ 5 snapshots over ≥ 10 s)', () => {
    const m = createMemoryTracker()
    const list = m.snapshots()
    for (let i = 0; i < 10; i++) list.push({ label: String(i), time: i * 100, rss: 0, heapUsed: 50e6 + i * 2e6, heapTotal: 0, external: 0, arrayBuffers: 0 })
    expect(m.trend().direction).toBe('growing')
    expect(m.leakWarning()).toBeUndefined()
  })

  it("a process's first command takes its peak from the high-water mark, with no timer; later ones sample too", () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const m = createMemoryTracker()
      const first = m.trackPeak()
      expect(vi.getTimerCount()).toBe(0)
      expect(first()).toBeGreaterThan(0)
      const second = m.trackPeak()
      expect(vi.getTimerCount()).toBe(1)
      second()
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('trackPeak samples on an unref\'d interval while tracking and stops it after', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const m = createMemoryTracker()
      const stopA = m.trackPeak()
      const stopB = m.trackPeak()
      expect(vi.getTimerCount()).toBe(1)
      vi.advanceTimersByTime(500)
      expect(stopA()).toBeGreaterThan(0)
      expect(vi.getTimerCount()).toBe(1)
      const peak = stopB()
      expect(peak).toBeGreaterThan(0)
      expect(m.peakRss).toBeGreaterThanOrEqual(peak)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('memory snapshots in a long-running process', () => {
  it('keeps the newest snapshots (a service snapshotting every second), numbering on; the trend follows them', () => {
    const m = createMemoryTracker()
    for (let i = 0; i < 5000; i++) m.snapshot()
    const list = m.snapshots()
    expect(list.length).toBeGreaterThanOrEqual(SNAPSHOTS_KEPT)
    expect(list.length).toBeLessThan(2 * SNAPSHOTS_KEPT)
    expect(list.at(-1)!.label).toBe('#5000')
    expect(m.snapshot('named').label).toBe('named')
    expect(m.snapshot().label).toBe('#5002')
    expect(m.trend().samples).toBe(m.snapshots().length)
  })
})
