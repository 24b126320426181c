/**
 * trace.json's startup track is report.json's startup phases: the trace is made from the report's
 * phases and spans (finalize.ts traceDocument), not from the tracer read again a moment later. For
 * a run without a command the phases end when the report is built: read again for the trace, its
 * last phase ended later than the report's.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe("trace.json's startup track", () => {
  it("is report.json's startup phases, to the µs, in a run that ran no command (real process)", () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } }))
    // some work between the start and the close: the phases of a run without a command end when it closes
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
let x = 0; for (let i = 0; i < 2e6; i++) x += i
await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as { commands: unknown[]; startup: { phases: { name: string; start: number; duration: number }[] } }
    const trace = JSON.parse(readFileSync(join(dir, '.perf', 'trace.json'), 'utf8')) as { traceEvents: { name: string; cat?: string; ts: number; dur: number }[] }
    expect(report.commands).toEqual([])
    const us = (ms: number) => Math.round(ms * 1000)
    expect(trace.traceEvents.filter(e => e.cat === 'startup').map(e => [e.name, e.ts, e.dur]))
      .toEqual(report.startup.phases.map(p => [p.name, us(p.start), us(p.start + p.duration) - us(p.start)]))
  })
})
