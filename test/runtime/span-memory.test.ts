import { describe, expect, it } from 'vitest'
import { createMemoryTracker } from '../../src/runtime/memory.js'
import { createTracer } from '../../src/runtime/span.js'

describe('tracer', () => {
  it('nests spans, records status, and keeps errors', async () => {
    const t = createTracer()
    t.setCommand('build')
    await t.span('outer', async () => {
      await t.span('inner', () => 1)
      await expect(t.span('bad', () => { throw new Error('x') })).rejects.toThrow('x')
    })
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
    t.setCommand('first')
    t.mark('ignored after startup')
    const phases = t.phases()
    expect(phases.map(p => p.name)).toEqual(['node bootstrap', 'modules', 'config', 'plugins'])
    const total = phases.reduce((a, p) => a + p.duration, 0)
    expect(total).toBeCloseTo(t.startupEnd!, 5)
    expect(phases.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 5)
  })

  it('exports Chrome trace complete events in microseconds', async () => {
    const t = createTracer()
    t.setCommand('x')
    await t.span('work', () => 1)
    const events = t.traceEvents()
    const work = events.find(e => e.name === 'work')!
    expect(work).toMatchObject({ ph: 'X', pid: process.pid, tid: 0, cat: 'span,x' })
    expect(Number.isInteger(work.ts)).toBe(true)
    expect(events.some(e => e.ph === 'M' && e.name === 'process_name')).toBe(true)
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
})
