import { describe, expect, it } from 'vitest'
import { createTracer } from '../../src/runtime/span.js'
import { nestMainTrack } from '../../src/runtime/report/trace-tracks.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe("trace.json's main thread tracks", () => {
  it('sequentially nested spans stay on the main track, however their µs round (1 000 rounds: a child ending within a µs of its parent, or of 0 µs, went to a track of its own)', async () => {
    const t = createTracer()
    for (let i = 0; i < 1000; i++) {
      await t.span('outer', async () => {
        await t.span('inner', () => { for (let k = 0; k < 50; k++) Math.sqrt(k) })
        await t.span('inner 2', async () => { await null })
      })
    }
    const events = t.traceEvents()
    nestMainTrack(events, process.pid)
    const tids = new Set(events.filter(e => e.ph === 'X' && e.cat !== 'startup').map(e => e.tid))
    expect([...tids]).toEqual([0])
  })

  it('spans that ran at once go on tracks of their own, each nesting', async () => {
    const t = createTracer()
    await t.span('all', () => Promise.all([t.span('a', () => sleep(30)), t.span('b', () => sleep(40)), t.span('c', () => sleep(10))]))
    const events = t.traceEvents()
    nestMainTrack(events, process.pid)
    const x = events.filter(e => e.ph === 'X' && e.cat !== 'startup') as { name: string; tid: number; ts: number; dur: number }[]
    expect(new Set(x.map(e => e.tid)).size).toBeGreaterThan(1)
    for (const p of x) for (const q of x) {
      if (p === q || p.tid !== q.tid) continue
      expect(p.ts + p.dur <= q.ts || q.ts + q.dur <= p.ts || (p.ts <= q.ts && q.ts + q.dur <= p.ts + p.dur) || (q.ts <= p.ts && p.ts + p.dur <= q.ts + q.dur), `${p.name} / ${q.name}`).toBe(true)
    }
    const named = events.filter(e => e.ph === 'M' && e.name === 'thread_name').map(e => (e.args as { name: string }).name)
    expect(named).toEqual(expect.arrayContaining(['main', 'main 2']))
  })
})
