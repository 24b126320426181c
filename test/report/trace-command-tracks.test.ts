/**
 * trace.json draws nesting by identity, never by time alone: a command is a root (never drawn inside
 * another command or a span), a span inside its own parent (by parentId) or, at its command's top
 * level, inside its own run's command event; a span outside any command inside nothing. A command
 * that ran within another's time (a perf.run() awaited inside another, a short request while a long
 * one runs) was drawn inside it, or inside the span open there, on the same track.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import type { Perf } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'
import { enclosing, type TraceEvent } from '../helpers/trace.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }

type X = TraceEvent

/** The event e must be drawn inside: its parent span, else its run's command; a command: none. */
function expectedParent(events: X[], e: X): X | undefined {
  if (e.cat === 'command') return undefined
  if (e.args.parentId !== undefined) return events.find(o => o.cat !== 'command' && o.args.id === e.args.parentId)
  if (e.args.run !== undefined) return events.find(o => o.cat === 'command' && o.args.run === e.args.run)
  return undefined
}

async function traceOf(perf: Perf): Promise<X[]> {
  const report = await perf.close()
  const { traceEvents } = JSON.parse(readFileSync(report.files!.trace!, 'utf8')) as { traceEvents: X[] }
  return traceEvents.filter(e => e.ph === 'X' && e.cat !== 'startup')
}

/** Each event drawn inside exactly what it belongs to, and events on one track nest (no partial overlap). */
function expectDrawnByIdentity(x: X[]): void {
  for (const e of x) {
    const around = enclosing(x, e)
    const wanted = expectedParent(x, e)
    expect(around && `${around.cat} ${around.name}`, `${e.cat} ${e.name} (run ${e.args.run})`).toBe(wanted && `${wanted.cat} ${wanted.name}`)
    if (wanted) expect(around).toBe(wanted)
  }
  for (const p of x) for (const q of x) {
    if (p === q || p.tid !== q.tid) continue
    const apart = p.ts + p.dur <= q.ts || q.ts + q.dur <= p.ts
    const nested = (p.ts <= q.ts && q.ts + q.dur <= p.ts + p.dur) || (q.ts <= p.ts && p.ts + p.dur <= q.ts + q.dur)
    expect(apart || nested, `${p.name} / ${q.name} overlap on one track`).toBe(true)
  }
}

describe('trace.json: commands are never drawn inside one another', () => {
  it('a command awaited inside another command: its event is on a track of its own, not inside the outer one', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    await perf.run('outer', async () => {
      await perf.span('prep', () => sleep(5))
      await perf.run('inner', () => perf.span('work', () => sleep(10)))
      await sleep(5)
    })
    const x = await traceOf(perf)
    const inner = x.find(e => e.cat === 'command' && e.name === 'inner')!
    const outer = x.find(e => e.cat === 'command' && e.name === 'outer')!
    expect(inner.ts).toBeGreaterThanOrEqual(outer.ts)
    expect(inner.tid, 'the inner command drawn on the outer command\'s track').not.toBe(outer.tid)
    expectDrawnByIdentity(x)
  })

  it("a short request within a long one's time: drawn neither inside the long one's command nor inside its open span", async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    const long = perf.run('GET /report', () => perf.span('render', () => sleep(80)))
    await sleep(10)
    await perf.run('GET /health', () => perf.span('check', () => sleep(5)))
    await long
    expectDrawnByIdentity(await traceOf(perf))
  })

  it('a span outside any command, while a command runs in a lane: drawn inside nothing', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    // two overlapping commands: from then on commands run in lanes, and the top level has no command
    await Promise.all([perf.run('a', () => sleep(5)), perf.run('b', () => sleep(5))])
    const c = perf.run('c', async () => { await sleep(60); await perf.span('c work', () => sleep(2)) })
    await sleep(10)
    await perf.span('tick', () => sleep(5))
    await c
    const x = await traceOf(perf)
    const tick = x.find(e => e.name === 'tick')!
    expect(tick.args.run, 'the tick belongs to no command').toBeUndefined()
    expectDrawnByIdentity(x)
  })

  it('a CLI: one command, nested spans, all on the main track inside it', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    await perf.run('build', () => perf.span('compile', async () => {
      await perf.span('parse', () => sleep(2))
      await perf.span('emit', () => sleep(2))
    }))
    const x = await traceOf(perf)
    expect(new Set(x.map(e => e.tid))).toEqual(new Set([0]))
    expectDrawnByIdentity(x)
  })
})
