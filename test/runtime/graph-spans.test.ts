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
  })
})
