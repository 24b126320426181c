/**
 * Spans, marks and startup phases, and their Chrome Trace Event Format export.
 *
 * Nesting is tracked with a plain stack of open spans, not AsyncLocalStorage: ALS makes every
 * await in the host pay ~70–90 ns. The stack is exact for sequential nesting (the common case:
 * `await perf.span('a', () => perf.span('b', ...))`); spans started concurrently at one level all
 * get the enclosing span as parent.
 */
import type { Tracer } from './_internal.js'
import type { SpanRecord, StartupPhase } from './types.js'

interface OpenSpan {
  name: string
  start: number
  depth: number
}

export function createTracer(): Tracer {
  const records: SpanRecord[] = []
  const stack: OpenSpan[] = []
  const marks: { name: string; at: number }[] = []
  let command: string | undefined
  let startupEnd: number | undefined

  const finish = (open: OpenSpan, status: SpanRecord['status']) => {
    const index = stack.lastIndexOf(open)
    if (index !== -1) stack.splice(index, 1)
    const parent = stack[open.depth - 1]
    records.push({
      name: open.name, start: open.start, duration: performance.now() - open.start, depth: open.depth,
      ...(parent && { parent: parent.name }), ...(command !== undefined && { command }), status,
    })
  }

  return {
    span<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      const open: OpenSpan = { name, start: performance.now(), depth: stack.length }
      stack.push(open)
      let result: Promise<T> | T
      try {
        result = fn()
      } catch (error) {
        finish(open, 'error')
        return Promise.reject(error)
      }
      if (result instanceof Promise || (result && typeof (result as unknown as PromiseLike<T>).then === 'function')) {
        return Promise.resolve(result).then(
          value => { finish(open, 'ok'); return value },
          error => { finish(open, 'error'); throw error },
        )
      }
      finish(open, 'ok')
      return Promise.resolve(result)
    },

    mark(name: string): void {
      if (startupEnd === undefined) marks.push({ name, at: performance.now() })
    },

    setCommand(name: string | undefined): void {
      if (startupEnd === undefined && name !== undefined) startupEnd = performance.now()
      command = name
    },

    records: () => records,

    get startupEnd() {
      return startupEnd
    },

    phases,

    traceEvents(): Record<string, unknown>[] {
      const pid = process.pid
      const us = (ms: number) => Math.round(ms * 1000)
      const events: Record<string, unknown>[] = [
        { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `node ${process.argv.slice(1, 3).join(' ')}` } },
        { name: 'thread_name', ph: 'M', pid, tid: 0, args: { name: 'main' } },
        { name: 'thread_name', ph: 'M', pid, tid: 1, args: { name: 'startup' } },
      ]
      for (const p of phases()) events.push({ name: p.name, cat: 'startup', ph: 'X', ts: us(p.start), dur: us(p.duration), pid, tid: 1, args: { share: p.share } })
      for (const r of records) {
        events.push({ name: r.name, cat: r.command ? `span,${r.command}` : 'span', ph: 'X', ts: us(r.start), dur: us(r.duration), pid, tid: 0, args: { depth: r.depth, status: r.status, ...(r.parent && { parent: r.parent }) } })
      }
      return events
    },
  }

  function phases(): StartupPhase[] {
      const end = startupEnd ?? performance.now()
      const bootstrap = Math.min(performance.nodeTiming.bootstrapComplete, end)
      const bounds: { name: string; start: number }[] = [{ name: 'node bootstrap', start: 0 }, { name: 'modules', start: bootstrap }]
      for (const m of marks) bounds.push({ name: m.name, start: Math.max(m.at, bootstrap) })
      const phases: StartupPhase[] = []
      for (let i = 0; i < bounds.length; i++) {
        const start = bounds[i]!.start
        const stop = i + 1 < bounds.length ? bounds[i + 1]!.start : end
        phases.push({ name: bounds[i]!.name, start, duration: Math.max(0, stop - start), share: end > 0 ? Math.max(0, stop - start) / end : 0 })
      }
      return phases
  }
}
