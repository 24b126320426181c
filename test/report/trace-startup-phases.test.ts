import { describe, expect, it } from 'vitest'
import { startupPhases, traceEvents } from '../../src/runtime/span-trace.js'
import { loadStart } from '../../src/runtime/load-start.js'
import type { StartupPhase } from '../../src/runtime/types.js'

/** Complete events on one track that overlap without nesting (Perfetto drops them as misnested). */
function misnested(events: Record<string, unknown>[], tid: number): string[] {
  const xs = events.filter(e => e.ph === 'X' && e.tid === tid) as { name: string; ts: number; dur: number }[]
  const found: string[] = []
  for (const a of xs) {
    for (const b of xs) {
      if (a === b || b.ts < a.ts || b.ts >= a.ts + a.dur) continue // b starts inside a
      if (b.ts + b.dur > a.ts + a.dur) found.push(`${b.name} [${b.ts}, ${b.ts + b.dur}] starts inside ${a.name} [${a.ts}, ${a.ts + a.dur}] and ends after it`)
    }
  }
  return found
}

describe("trace.json's startup track", () => {
  it('phases abut to the µs, each ending where the next starts (rounded apart, one ended 1 µs inside the next: misnested)', () => {
    // boundaries whose µs round up and whose durations round up too: 1.0006 + 1.0006 = 2.0012 ms
    const phases: StartupPhase[] = [
      { name: 'boot', start: 0, duration: 1.0006, share: 0.2 },
      { name: 'modules', start: 1.0006, duration: 1.0006, share: 0.2 },
      { name: 'config', start: 2.0012, duration: 1.0006, share: 0.2 },
      { name: 'plugins', start: 3.0018, duration: 0.0004, share: 0 },
      { name: 'ready', start: 3.0022, duration: 1.9978, share: 0.4 },
    ]
    const events = traceEvents(phases, [])
    expect(misnested(events, 1)).toEqual([])
    const xs = events.filter(e => e.ph === 'X') as { ts: number; dur: number }[]
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1]!.ts + xs[i - 1]!.dur).toBe(xs[i]!.ts)
  })

  it('holds for the phases of real marks at random sub-µs times', () => {
    for (let round = 0; round < 200; round++) {
      let at = loadStart // marks after unperf's code started (earlier ones are clamped to it)
      const marks = Array.from({ length: 6 }, (_, i) => ({ name: `m${i}`, at: (at += Math.random() * 3) }))
      const events = traceEvents(startupPhases(marks, at + Math.random()), [])
      expect(misnested(events, 1)).toEqual([])
    }
  })
})
