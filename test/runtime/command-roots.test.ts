/**
 * Commands are roots: a command's spans nest under that command only. A service handling two
 * requests at once (a perf.run() per request), or a run started from inside another run's span,
 * made the second command's spans children of whichever span of the first was open when it started
 * (its lane copied the open spans), so report.json, trace.json and the OpenTelemetry export put one
 * request's work inside the other's.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import type { Perf, SpanRecord } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function perfFor(): Promise<Perf> {
  return createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
}

/** Every span's parent (by id) is a span of the same run; top-level spans have none; depth follows. */
function expectRooted(spans: SpanRecord[]): void {
  const byId = new Map(spans.map(s => [s.id!, s]))
  for (const s of spans) {
    if (s.parentId === undefined) {
      expect(s.depth, `${s.name} (run ${s.run}) is top level`).toBe(0)
      expect(s.parent).toBeUndefined()
      continue
    }
    const parent = byId.get(s.parentId)!
    expect(parent, `${s.name}'s parent is kept`).toBeDefined()
    expect(parent.run, `${s.name} (run ${s.run}) nested under ${parent.name} of run ${parent.run}`).toBe(s.run)
    expect(s.depth).toBe(parent.depth + 1)
  }
}

const byName = (spans: SpanRecord[], name: string) => spans.filter(s => s.name === name)

describe('perf.run(): a command is a root, whatever else is running', () => {
  it("two requests at once: the second command, started while the first's span is open, does not nest under it", async () => {
    const perf = await perfFor()
    const first = perf.run('a', () => perf.span('handle a', () => sleep(60)))
    await sleep(10) // a's span is open; the second request arrives
    const second = perf.run('b', () => perf.span('handle b', () => perf.span('query b', () => sleep(10))))
    await Promise.all([first, second])
    const { spans, commands } = await perf.close()
    const [b] = byName(spans, 'handle b')
    expect(b!.parentId, "b's top-level span nested under a's open span").toBeUndefined()
    expect(b!.depth).toBe(0)
    expect(b!.command).toBe('b')
    expect(b!.run).toBe(commands.find(c => c.name === 'b')!.run)
    expect(byName(spans, 'query b')[0]!.parentId).toBe(b!.id)
    expectRooted(spans)
  })

  it("a run started inside another run's span callback is a root: its spans do not nest under that span", async () => {
    const perf = await perfFor()
    await perf.run('outer', () => perf.span('step', async () => {
      await perf.run('inner', () => perf.span('inner work', () => perf.span('leaf', () => sleep(1))))
      await perf.span('after', () => sleep(1))
    }))
    const { spans } = await perf.close()
    const [work] = byName(spans, 'inner work')
    expect(work!.parentId, "the inner command's span nested under the outer command's 'step'").toBeUndefined()
    expect(work!.command).toBe('inner')
    expect(byName(spans, 'leaf')[0]!.parentId).toBe(work!.id)
    // the outer command's own spans still nest under its step
    expect(byName(spans, 'after')[0]!.parentId).toBe(byName(spans, 'step')[0]!.id)
    expectRooted(spans)
  })

  it('a run started inside another run started inside a span of a third: each a root (lanes inside lanes)', async () => {
    const perf = await perfFor()
    const other = perf.run('x', () => perf.span('x open', () => sleep(40)))
    await sleep(5)
    await perf.run('y', () => perf.span('y step', () => perf.run('z', () => perf.span('z step', () => sleep(1)))))
    await other
    const { spans } = await perf.close()
    for (const name of ['y step', 'z step']) expect(byName(spans, name)[0]!.parentId, name).toBeUndefined()
    expectRooted(spans)
  })

  it("interleaved awaits of two commands: each command's spans nest under its own spans only", async () => {
    const perf = await perfFor()
    const body = (tag: string, pause: number) => async () => {
      for (let i = 0; i < 4; i++) {
        await perf.span(`${tag} step`, async () => {
          await sleep(pause)
          await perf.span(`${tag} read`, () => sleep(pause))
          await perf.span(`${tag} parse`, async () => { await sleep(1); await perf.span(`${tag} token`, () => sleep(pause)) })
        })
      }
    }
    await Promise.all([perf.run('a', body('a', 3)), (async () => { await sleep(2); await perf.run('b', body('b', 5)) })()])
    const { spans } = await perf.close()
    expect(spans.length).toBe(2 * 4 * 4)
    expectRooted(spans)
    for (const s of spans) expect(s.command, s.name).toBe(s.name[0])
    for (const s of spans.filter(s => s.name.endsWith(' step'))) expect(s.parentId, s.name).toBeUndefined()
  })

  it('a command started inside a span outside any command is a root too', async () => {
    const perf = await perfFor()
    await perf.span('boot', () => perf.run('main', () => perf.span('work', () => sleep(1))))
    const { spans } = await perf.close()
    const [work] = byName(spans, 'work')
    expect(work!.parentId, "the command's span nested under the span it was started in").toBeUndefined()
    expect(work!.command).toBe('main')
    expectRooted(spans)
  })

  it('sequential commands of a CLI: spans nest by the stack as before, one command after another', async () => {
    const perf = await perfFor()
    for (const name of ['one', 'two']) {
      await perf.run(name, () => perf.span(`${name} outer`, () => perf.span(`${name} inner`, () => sleep(1))))
    }
    const { spans } = await perf.close()
    expect(spans.map(s => [s.name, s.depth, s.command])).toEqual([
      ['one outer', 0, 'one'], ['one inner', 1, 'one'], ['two outer', 0, 'two'], ['two inner', 1, 'two'],
    ])
    expectRooted(spans)
  })

  it("a timer set up before a lone command: its span is the command's (the documented limit); run as its own command, it stays apart", async () => {
    // the limit (docs/execution.md, "Spans"): the main lane cannot tell whose code starts a span
    let perf = await perfFor()
    let started!: () => void
    let tickStarted = new Promise<void>(r => { started = r })
    let tick: Promise<unknown> | undefined
    setTimeout(() => { tick = perf.span('tick', () => sleep(1)); started() }, 1)
    await perf.run('cmd', () => perf.span('outer', () => tickStarted))
    await tick
    let { spans } = await perf.close()
    const [outer] = byName(spans, 'outer')
    expect(byName(spans, 'tick').map(s => [s.command, s.parentId])).toEqual([['cmd', outer!.id]])
    // the workaround: the background work as a command of its own runs in a lane, a root
    perf = await perfFor()
    tickStarted = new Promise<void>(r => { started = r })
    setTimeout(() => { tick = perf.run('refresh', () => perf.span('tick', () => sleep(1))); started() }, 1)
    await perf.run('cmd', () => perf.span('outer', () => tickStarted))
    await tick
    ;({ spans } = await perf.close())
    expect(byName(spans, 'tick').map(s => [s.command, s.parentId, s.depth])).toEqual([['refresh', undefined, 0]])
    expect(byName(spans, 'outer').map(s => [s.command, s.depth])).toEqual([['cmd', 0]])
    expectRooted(spans)
  })
})
