/**
 * Every graph's span was named `graph`: a command running several graphs (a build tool's `deps`
 * then `compile` graph) gave a trace where they could not be told apart, nor their tasks' parents.
 * `perf.graph(tasks, { name })` names the span (default `graph`).
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('perf.graph(tasks, { name })', () => {
  it("names the graph's span, and its tasks' spans name it as their parent", async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    await perf.run('build', async () => {
      await perf.graph({ fetch: { run: () => sleep(5) }, link: { deps: ['fetch'], run: () => sleep(5) } }, { name: 'install' })
      await perf.graph({ tsc: { run: () => sleep(5) }, bundle: { run: () => sleep(5) } }, { name: 'compile' })
      await perf.graph({ lint: { run: () => sleep(1) } })
    })
    const spans = (await perf.close()).spans
    const byName = Object.fromEntries(spans.map(s => [s.name, s]))
    expect(byName.install).toMatchObject({ depth: 0, command: 'build', status: 'ok' })
    expect(byName.compile).toMatchObject({ depth: 0, command: 'build', status: 'ok' })
    expect(byName.graph).toMatchObject({ depth: 0, command: 'build' }) // the default
    for (const task of ['fetch', 'link']) expect(byName[task], task).toMatchObject({ parent: 'install', depth: 1 })
    for (const task of ['tsc', 'bundle']) expect(byName[task], task).toMatchObject({ parent: 'compile', depth: 1 })
    expect(byName.lint).toMatchObject({ parent: 'graph', depth: 1 })
  })

  it("a name that is not a non-empty string is a TypeError saying what is expected; nothing runs", async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    let ran = false
    await expect(perf.graph({ a: { run: () => { ran = true } } }, { name: '' })).rejects.toThrow(/name must be a non-empty string .*got ''/)
    await expect(perf.graph({ a: { run: () => { ran = true } } }, { name: 42 as never })).rejects.toThrow(/got number/)
    expect(ran).toBe(false)
    await perf.close()
  })
})
