/**
 * Spans started concurrently inside one command outside graphs (`Promise.all([perf.span('a', ...),
 * perf.span('b', ...)])`) nested under whichever span was still open: b under a. Concurrent
 * siblings are now siblings, and the spans each of them starts nest under it, whatever order their
 * awaits resume in; sequential nesting is unchanged. Real timers, real awaits.
 */
import { describe, expect, it } from 'vitest'
import { createTracer } from '../../src/runtime/span.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
type Tracer = ReturnType<typeof createTracer>
const byName = (t: Tracer) => Object.fromEntries(t.records().map(r => [r.name, r]))

describe('concurrent spans', () => {
  it('Promise.all of spans: siblings under the span open where they started, not under each other', async () => {
    const t = createTracer()
    await t.command('build', () => t.span('root', async () => {
      await Promise.all([t.span('a', () => sleep(20)), t.span('b', () => sleep(10)), t.span('c', async () => 'sync-ish')])
    }))
    const s = byName(t)
    for (const name of ['a', 'b', 'c']) expect(s[name], name).toMatchObject({ parent: 'root', depth: 1, command: 'build', status: 'ok' })
  })

  it("each sibling's own spans nest under it, though their awaits interleave", async () => {
    const t = createTracer()
    const work = (name: string, ms: number) => t.span(name, async () => {
      await sleep(ms)
      await t.span(`${name}.1`, () => sleep(ms))
      await t.span(`${name}.2`, async () => { await sleep(1); await t.span(`${name}.2.x`, () => sleep(ms)) })
    })
    await t.command('build', () => t.span('root', () => Promise.all(['p', 'q', 'r'].map((n, i) => work(n, 5 + 7 * i)))))
    const s = byName(t)
    for (const n of ['p', 'q', 'r']) {
      expect(s[n], n).toMatchObject({ parent: 'root', depth: 1 })
      expect(s[`${n}.1`], `${n}.1`).toMatchObject({ parent: n, depth: 2 })
      expect(s[`${n}.2`], `${n}.2`).toMatchObject({ parent: n, depth: 2 })
      expect(s[`${n}.2.x`], `${n}.2.x`).toMatchObject({ parent: `${n}.2`, depth: 3, command: 'build' })
    }
  })

  it('items.map with a synchronous first step, at the top level of a command', async () => {
    const t = createTracer()
    await t.command('lint', () => Promise.all(Array.from({ length: 20 }, (_, i) => t.span(`file${i}`, async () => { await sleep(i % 3); return i }))))
    for (const r of t.records()) expect(r, r.name).toMatchObject({ depth: 0, command: 'lint' })
    expect(t.records().every(r => r.parent === undefined)).toBe(true)
  })

  it('sequential nesting is unchanged: awaited children, children after an await of an already settled promise, sync fns', async () => {
    const t = createTracer()
    await t.command('build', () => t.span('outer', async () => {
      await Promise.resolve()
      await t.span('after-settled-await', () => 1)
      await t.span('mid', async () => {
        await t.span('deep', () => sleep(1))
      })
      await sleep(1)
      await t.span('late', () => 2)
    }))
    const s = byName(t)
    expect(s['after-settled-await']).toMatchObject({ parent: 'outer', depth: 1 })
    expect(s.mid).toMatchObject({ parent: 'outer', depth: 1 })
    expect(s.deep).toMatchObject({ parent: 'mid', depth: 2 })
    expect(s.late).toMatchObject({ parent: 'outer', depth: 1 })
  })

  it('a child started in a process.nextTick callback its parent scheduled is still its child', async () => {
    const t = createTracer()
    // from a timer's callback (a macrotask): there node runs nextTick callbacks before promise reactions
    await new Promise<void>(done => setTimeout(() => {
      void t.span('parent', () => new Promise<void>(resolve => {
        process.nextTick(() => { void t.span('tick-child', () => sleep(1)).then(() => resolve()) })
      })).then(done)
    }, 1))
    expect(byName(t)['tick-child']).toMatchObject({ parent: 'parent', depth: 1 })
  })

  it('through perf: report.json spans of a command with concurrent spans, and a graph named beside them', async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    await perf.run('build', () => perf.span('build', async () => {
      await Promise.all([
        perf.span('types', async () => { await sleep(5); await perf.span('tsc', () => sleep(5)) }),
        perf.span('bundle', async () => { await sleep(2); await perf.span('esbuild', () => sleep(8)) }),
        perf.graph({ x: { run: () => perf.span('x.inner', () => sleep(3)) } }, { name: 'assets' }),
      ])
    }))
    const spans = Object.fromEntries((await perf.close()).spans.map(r => [r.name, r]))
    expect(spans.types).toMatchObject({ parent: 'build', depth: 1, command: 'build' })
    expect(spans.bundle).toMatchObject({ parent: 'build', depth: 1 })
    expect(spans.assets).toMatchObject({ parent: 'build', depth: 1 })
    expect(spans.tsc).toMatchObject({ parent: 'types', depth: 2 })
    expect(spans.esbuild).toMatchObject({ parent: 'bundle', depth: 2 })
    expect(spans.x).toMatchObject({ parent: 'assets', depth: 2 })
    expect(spans['x.inner']).toMatchObject({ parent: 'x', depth: 3 })
  })
})
