/**
 * What a build tool hands perf.graph(): a task list read from a config file (JSON), or the wrong
 * thing altogether. Each is run for real (a real pool, real createPerf).
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { Pool } from '../../src/runtime/pool.js'
import { runGraph } from '../../src/runtime/graph.js'
import { tempDir } from '../helpers/tmp.js'
import { pool } from './_ctx.js'

describe('perf.graph(tasks): tasks that are not an object of named tasks', () => {
  it('null, an array, a string: E_GRAPH_TASK saying what is expected and what came (null was "Cannot convert undefined or null to object"; an array ran nothing; a string made tasks of its characters)', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { cache: { enabled: false }, report: { console: false, dir: './.perf' } } })
    try {
      for (const [tasks, got] of [[null, 'null'], [undefined, 'undefined'], [[{ run: () => 1 }], 'an array'], ['build', 'string']] as const) {
        await expect(perf.graph(tasks as never), got).rejects.toMatchObject({
          code: 'E_GRAPH_TASK',
          message: `[unperf] perf.graph(tasks): tasks must be an object of named tasks ({ build: { run, deps } }), got ${got}`,
        })
      }
    } finally {
      await perf.close()
    }
  })
})

describe('task names from a JSON task list', () => {
  it("a task named '__proto__' has its result in results (it was set as the prototype: lost), its dependents get it", async () => {
    const spec = JSON.parse('{"__proto__": {"deps": []}, "constructor": {"deps": ["__proto__"]}, "toString": {"deps": []}}') as Record<string, { deps: string[] }>
    const tasks = Object.fromEntries(Object.entries(spec).map(([name, { deps }]) => [name, {
      deps, run: ({ results }: { results: Record<string, unknown> }) => `built ${name}${deps.map(d => ` after ${String(results[d])}`).join('')}`,
    }]))
    const result = await runGraph(tasks, new Pool('g', pool({ concurrency: 2 }), undefined))
    expect(Object.keys(result.results).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    expect(Object.getPrototypeOf(result.results)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(result.results, '__proto__')?.value).toBe('built __proto__')
    expect(result.results.constructor).toBe('built constructor after built __proto__')
    expect(JSON.parse(JSON.stringify(result.results))).toEqual(JSON.parse('{"__proto__":"built __proto__","toString":"built toString","constructor":"built constructor after built __proto__"}'))
  })
})

describe('a task with a key perf.graph does not read', () => {
  it("dependsOn (turbo's), needs, a misspelt deps: E_GRAPH_TASK naming the task and where its dependencies go, before any task runs (the task ran with no deps, first)", async () => {
    const order: string[] = []
    const run = (name: string) => async () => { order.push(name) }
    const g = () => new Pool('g', pool({ concurrency: 2 }), undefined)
    await expect(runGraph({ build: { run: run('build') }, test: { run: run('test'), dependsOn: ['build'] } } as never, g())).rejects.toMatchObject({
      code: 'E_GRAPH_TASK', message: "[unperf] graph task 'test': unknown key 'dependsOn' (a task is { run, deps }); its dependencies are deps: ['other task']",
    })
    await expect(runGraph({ build: { run: run('build'), needs: [] } } as never, g())).rejects.toThrow("graph task 'build': unknown key 'needs'")
    await expect(runGraph({ build: { run: run('build'), dep: [] } } as never, g())).rejects.toThrow("unknown key 'dep' (a task is { run, deps }); did you mean 'deps'?")
    expect(order).toEqual([])
    await runGraph({ build: { run: run('build') }, test: { run: run('test'), deps: ['build'] } }, g())
    expect(order).toEqual(['build', 'test'])
  })
})
