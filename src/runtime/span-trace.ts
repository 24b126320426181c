/**
 * What a tracer exports: its startup phases (from its marks) and the Chrome Trace Event Format
 * events of those phases and its spans (span.ts gathers them).
 */
import { loadStart } from './load-start.js'
import type { SpanRecord, StartupPhase } from './types.js'
import { redactArgv } from './warn.js'

/** Startup from process start to `end` (the first command): boot, modules, then one phase per mark. */
export function startupPhases(marks: readonly { name: string; at: number }[], end: number): StartupPhase[] {
  const loaded = Math.min(loadStart, end)
  const bounds: { name: string; start: number }[] = [{ name: 'boot', start: 0 }, { name: 'modules', start: loaded }]
  for (const m of marks) bounds.push({ name: m.name, start: Math.max(m.at, loaded) })
  const phases: StartupPhase[] = []
  for (let i = 0; i < bounds.length; i++) {
    const start = bounds[i]!.start
    const stop = i + 1 < bounds.length ? bounds[i + 1]!.start : end
    phases.push({ name: bounds[i]!.name, start, duration: Math.max(0, stop - start), share: end > 0 ? Math.max(0, stop - start) / end : 0 })
  }
  return phases
}

/** The trace's events: process and thread names, the startup phases (tid 1), the spans (tid 0). */
export function traceEvents(phases: readonly StartupPhase[], records: readonly SpanRecord[]): Record<string, unknown>[] {
  const pid = process.pid
  // µs, the end rounded rather than the duration: a child that ends within a µs of its parent's end
  // still ends inside it (rounded apart, it ended 1 µs after it: not nested), and a startup phase
  // ends where the next one starts (rounded apart, 1 µs inside it: misnested on the startup track)
  const us = (ms: number) => Math.round(ms * 1000)
  const events: Record<string, unknown>[] = [
    { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `node ${redactArgv(process.argv.slice(1)).slice(0, 2).join(' ')}` } },
    { name: 'thread_name', ph: 'M', pid, tid: 0, args: { name: 'main' } },
    { name: 'thread_name', ph: 'M', pid, tid: 1, args: { name: 'startup' } },
  ]
  for (const p of phases) events.push({ name: p.name, cat: 'startup', ph: 'X', ts: us(p.start), dur: us(p.start + p.duration) - us(p.start), pid, tid: 1, args: { share: p.share } })
  for (const r of records) {
    // id and parentId: which span is whose parent where two share a name (trace-tracks.ts nests by
    // them); run: which command's (the command events carry theirs)
    const args = { id: r.id, depth: r.depth, status: r.status, ...(r.parent && { parent: r.parent }), ...(r.parentId !== undefined && { parentId: r.parentId }), ...(r.run !== undefined && { run: r.run }) }
    events.push({ name: r.name, cat: r.command ? `span,${r.command}` : 'span', ph: 'X', ts: us(r.start), dur: us(r.start + r.duration) - us(r.start), pid, tid: 0, args })
  }
  return events
}
