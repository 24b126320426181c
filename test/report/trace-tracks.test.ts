import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'
import { createTracer } from '../../src/runtime/span.js'
import { nestMainTrack } from '../../src/runtime/report/trace-tracks.js'
import { enclosing, type TraceEvent } from '../helpers/trace.js'

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

type X = TraceEvent

describe('trace tracks nest a span under its own parent, by id', () => {
  it('two spans named alike in overlapping commands: each child is drawn inside its own parent (by name it went inside the other one)', async () => {
    const t = createTracer()
    // b's fetch opens first; a's (a started while b runs: a lane of its own) within its time, on a
    // track of its own; each parse inside its own command's fetch
    const b = t.command('b', async () => {
      await sleep(1) // both commands started before a span opens: a's lane starts from no open span
      await t.span('fetch', async () => {
        await sleep(80)
        await t.span('parse', () => sleep(5))
      })
    })
    const a = t.command('a', async () => {
      await sleep(10)
      await t.span('fetch', async () => {
        await sleep(30)
        await t.span('parse', () => sleep(15))
        await sleep(60)
      })
    })
    await Promise.all([a, b])
    const events = t.traceEvents()
    nestMainTrack(events, process.pid)
    const x = events.filter(e => e.ph === 'X' && e.cat !== 'startup') as X[]
    const parses = x.filter(e => e.name === 'parse')
    expect(parses.map(e => e.cat).sort()).toEqual(['span,a', 'span,b'])
    for (const e of parses) {
      const parent = enclosing(x, e)
      expect(parent?.name).toBe('fetch')
      // cat 'span,<command>': the fetch of the same command
      expect(parent?.cat, `the parse of ${e.cat} drawn inside the other command's fetch`).toBe(e.cat)
    }
  })
})

describe("trace.json of a service's overlapping runs of one command (createPerf, the file on disk)", () => {
  it("a run's top-level span is drawn inside its own run's command event, not inside the other run's", async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { cache: { enabled: false }, report: { console: false, dir: './.perf' } } })
    const first = perf.run('serve', async () => {
      await sleep(30)
      await perf.span('handle', () => sleep(20))
      await sleep(40)
    })
    await sleep(10)
    const second = perf.run('serve', () => perf.span('handle', () => sleep(5)).then(() => sleep(60)))
    await Promise.all([first, second])
    const report = await perf.close()
    const { traceEvents } = JSON.parse(readFileSync(report.files!.trace!, 'utf8')) as { traceEvents: X[] }
    const x = traceEvents.filter(e => e.ph === 'X' && e.cat !== 'startup')
    // which run is which: the first run started first; each handle by its run (args.run: by their
    // durations, 20 vs 5 ms of sleep, a loaded machine could swap them)
    const [run1, run2] = x.filter(e => e.cat === 'command').sort((p, q) => p.ts - q.ts)
    const handleOf = (run: X) => x.find(e => e.name === 'handle' && e.args.run === run.args.run)
    const [handle1, handle2] = [handleOf(run1!), handleOf(run2!)]
    expect(handle1 && handle2 && handle1 !== handle2).toBe(true)
    // run 1's handle ran while run 2 was running too: it is drawn inside run 1's event (by the rule of
    // old, inside whichever command event was open there: run 2's), or on a track of its own
    const around1 = enclosing(x, handle1!)
    if (around1 !== undefined) expect(around1, "run 1's handle drawn inside run 2's command event").toBe(run1)
    expect(enclosing(x, handle2!)).toBe(run2)
  })
})
