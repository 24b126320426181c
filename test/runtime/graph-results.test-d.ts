/**
 * `perf.graph(tasks)` types each task's result by what its `run` returns: `results` was a
 * `Record<string, unknown>`, so `results.compile` had to be cast back to what the task returned
 * and a misspelt task name read `unknown` without a word. Optional, as a task that failed or was
 * skipped has no result.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { GraphResult, Perf } from '../../src/runtime/types.js'

declare const perf: Perf

describe('perf.graph results', () => {
  it("are typed per task by its run's result", async () => {
    const out = await perf.graph({
      install: { run: async () => ({ packages: 3 }), deps: [] },
      compile: { run: () => 'dist/index.mjs', deps: ['install'] },
      test: { run: async ({ results, signal }) => { expectTypeOf(results).toEqualTypeOf<Record<string, unknown>>(); expectTypeOf(signal).toEqualTypeOf<AbortSignal>() } },
    })
    expectTypeOf(out.results.install).toEqualTypeOf<{ packages: number } | undefined>()
    expectTypeOf(out.results.compile).toEqualTypeOf<string | undefined>()
    expectTypeOf(out.results.test).toEqualTypeOf<void | undefined>()
    // @ts-expect-error not a task of this graph
    void out.results.compil
    expectTypeOf(out.failed).toEqualTypeOf<{ name: string; error: unknown }[]>()
    // a result still fits the untyped GraphResult (GraphError.result, code written against it)
    expectTypeOf(out).toExtend<GraphResult>()
  })

  it('takes a task record built elsewhere', async () => {
    const tasks: Record<string, { run: () => Promise<number> }> = { a: { run: async () => 1 } }
    const out = await perf.graph(tasks)
    expectTypeOf(out.results['a']).toEqualTypeOf<number | undefined>()
  })
})
