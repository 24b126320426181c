import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('graph tasks as spans', () => {
  it('each task is a span of its own, with its duration, under the graph span, though they run concurrently', async () => {
    const dir = projectWith(`export default { ${BASE}, concurrency: { pools: { gen: { concurrency: 3 } } } }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.run('codegen', () => perf.span('build', () => perf.graph({
      schema: { run: () => sleep(30) },
      a: { deps: ['schema'], run: () => sleep(60) },
      b: { deps: ['schema'], run: () => sleep(20) },
      c: { deps: ['schema'], run: async () => { await sleep(40); throw new Error('c broke') } },
      index: { deps: ['a', 'b'], run: () => 'ok' },
    }, { pool: 'gen' })))
    const report = await perf.close()
    const spans = Object.fromEntries(report.spans.map(s => [s.name, s]))
    expect(spans.graph).toMatchObject({ parent: 'build', depth: 1, command: 'codegen', status: 'ok' })
    for (const name of ['schema', 'a', 'b', 'c', 'index']) {
      // under the graph, not under the sibling that happened to be open when it started
      expect(spans[name], name).toMatchObject({ parent: 'graph', depth: 2, command: 'codegen' })
    }
    expect(spans.c!.status).toBe('error')
    expect(spans.a!.duration).toBeGreaterThanOrEqual(55)
    expect(spans.b!.duration).toBeGreaterThanOrEqual(15)
    expect(spans.b!.duration).toBeLessThan(spans.a!.duration)
    // a task's span starts when it runs: after its deps' spans ended
    expect(spans.a!.start).toBeGreaterThanOrEqual(spans.schema!.start + spans.schema!.duration)
    expect(spans.index!.start).toBeGreaterThanOrEqual(spans.a!.start + spans.a!.duration)

    const trace = JSON.parse(readFileSync(join(dir, '.perf/trace.json'), 'utf8')) as { traceEvents: Record<string, any>[] }
    const a = trace.traceEvents.find(e => e.name === 'a' && e.ph === 'X')
    expect(a).toMatchObject({ cat: 'span,codegen', args: { parent: 'graph', depth: 2, status: 'ok' } })
    expect(a!.dur).toBeGreaterThanOrEqual(55_000)
    // the nodes overlap in time: on one thread they would not nest, and Perfetto drops such events;
    // each track nests (any two events: disjoint or one inside the other)
    const complete = trace.traceEvents.filter(e => e.ph === 'X' && e.cat !== 'startup')
    for (const x of complete) {
      for (const y of complete) {
        if (x === y || x.tid !== y.tid) continue
        const disjoint = x.ts + x.dur <= y.ts || y.ts + y.dur <= x.ts
        const nested = (x.ts <= y.ts && y.ts + y.dur <= x.ts + x.dur) || (y.ts <= x.ts && x.ts + x.dur <= y.ts + y.dur)
        expect(disjoint || nested, `${x.name} and ${y.name} on tid ${x.tid}`).toBe(true)
      }
    }
    const innermost = (e: Record<string, any>) => complete
      .filter(o => o !== e && o.tid === e.tid && o.ts <= e.ts && e.ts + e.dur <= o.ts + o.dur)
      .sort((p, q) => p.dur - q.dur)[0]
    const graph = complete.find(e => e.name === 'graph')!
    for (const name of ['schema', 'a', 'b', 'c', 'index']) {
      const node = complete.find(e => e.name === name)!
      // right under 'graph' on its track, or at the top of a track of its own (never under a sibling)
      if (node.tid === graph.tid) expect(innermost(node)?.name, name).toBe('graph')
      else expect(innermost(node), name).toBeUndefined()
    }
    const tracks = new Set(complete.map(e => e.tid))
    expect(tracks.size).toBeGreaterThan(1) // a, b and c ran at once
    for (const tid of tracks) {
      expect(trace.traceEvents.some(e => e.ph === 'M' && e.name === 'thread_name' && e.tid === tid), `track ${tid} named`).toBe(true)
    }
  })
})

describe('two graphs at once in one command (Promise.all of perf.graph)', () => {
  it("each graph's tasks are spans under their own graph's span (the parent was read after an await: the graph opened last took them all)", async () => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.run('ci', () => Promise.all([
      perf.graph({ tsc: { run: () => sleep(20) }, dts: { deps: ['tsc'], run: () => sleep(5) } }, { name: 'compile', pool: 'compile' }),
      perf.graph({ unit: { run: () => sleep(10) }, e2e: { run: () => sleep(15) } }, { name: 'test', pool: 'test' }),
    ]))
    const report = await perf.close()
    const byName = Object.fromEntries(report.spans.map(s => [s.name, s]))
    for (const [task, graph] of [['tsc', 'compile'], ['dts', 'compile'], ['unit', 'test'], ['e2e', 'test']] as const) {
      expect(byName[task], task).toMatchObject({ parent: graph, parentId: byName[graph]!.id })
    }
  })
})
