/**
 * Spans, marks and startup phases, and their Chrome Trace Event Format export.
 *
 * Nesting is tracked with a plain stack of open spans, not AsyncLocalStorage: on Node 20 an ALS
 * makes every await in the host pay more (bench/span.mjs). The stack is exact for sequential nesting
 * (the common case: `await perf.span('a', () => perf.span('b', ...))`, awaited siblings). Its limit:
 * spans started concurrently (`Promise.all(items.map(i => perf.span(...)))`) take the span still
 * open at their start as parent, so siblings started in one synchronous run nest under each other.
 */
import { now } from './clock.js'
import { loadStart } from './load-start.js'
import { redactArgv } from './warn.js'
import type { Tracer } from './_internal.js'
import type { SpanRecord, StartupPhase } from './types.js'

/**
 * Span i lives in `data[i * STRIDE ...]` (a growable Float64Array: start, duration, depth, parent index
 * or -1, status, command index or -1) and `names[i]`: a span allocates nothing until records().
 */
const STRIDE = 6
const OK = 1
const ERROR = 2

export function createTracer(): Tracer {
  const names: string[] = []
  let data = new Float64Array(256 * STRIDE)
  const commandNames: string[] = []
  let commandIndex = -1
  const stack: number[] = [] // indexes of open spans
  const marks: { name: string; at: number }[] = []
  let count = 0
  let startupEnd: number | undefined

  const finish = (i: number, status: number) => {
    const at = i * STRIDE
    data[at + 1] = now() - data[at]!
    data[at + 4] = status
    // sequential nesting closes the innermost span: pop; out-of-order ends (concurrent spans) search
    if (stack[stack.length - 1] === i) stack.pop()
    else {
      const k = stack.lastIndexOf(i)
      if (k !== -1) stack.splice(k, 1)
    }
  }

  /** Awaits an async result: one await, no closures per span. */
  const settle = async <T>(result: PromiseLike<T>, i: number): Promise<T> => {
    let value: T
    try {
      value = await result
    } catch (error) {
      finish(i, ERROR)
      throw error
    }
    finish(i, OK)
    return value
  }

  const records = (): SpanRecord[] => {
    const list: SpanRecord[] = []
    for (let i = 0; i < count; i++) {
      const at = i * STRIDE
      const status = data[at + 4]
      if (status === 0) continue
      const record: SpanRecord = { name: names[i]!, start: data[at]!, duration: data[at + 1]!, depth: data[at + 2]!, status: status === OK ? 'ok' : 'error' }
      const parent = data[at + 3]!
      if (parent !== -1) record.parent = names[parent]
      const command = data[at + 5]!
      if (command !== -1) record.command = commandNames[command]
      list.push(record)
    }
    return list
  }

  return {
    span<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      const i = count++
      const depth = stack.length
      let at = i * STRIDE
      if (at + STRIDE > data.length) {
        const grown = new Float64Array(data.length * 2)
        grown.set(data)
        data = grown
      }
      names.push(name)
      data[at++] = now()
      data[at++] = 0
      data[at++] = depth
      data[at++] = depth > 0 ? stack[depth - 1]! : -1
      data[at++] = 0
      data[at] = commandIndex
      stack.push(i)
      let result: Promise<T> | T
      try {
        result = fn()
      } catch (error) {
        finish(i, ERROR)
        return Promise.reject(error)
      }
      if (result !== null && typeof result === 'object' && typeof (result as unknown as PromiseLike<T>).then === 'function') {
        return settle(result as unknown as PromiseLike<T>, i)
      }
      finish(i, OK)
      return Promise.resolve(result)
    },

    mark(name: string): void {
      if (startupEnd === undefined) marks.push({ name, at: now() })
    },

    setCommand(name: string | undefined): void {
      if (startupEnd === undefined && name !== undefined) startupEnd = now()
      if (name === undefined) commandIndex = -1
      else {
        commandIndex = commandNames.indexOf(name)
        if (commandIndex === -1) commandIndex = commandNames.push(name) - 1
      }
    },

    records,

    get startupEnd() {
      return startupEnd
    },

    phases,

    traceEvents(): Record<string, unknown>[] {
      const pid = process.pid
      const us = (ms: number) => Math.round(ms * 1000)
      const events: Record<string, unknown>[] = [
        { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `node ${redactArgv(process.argv.slice(1)).slice(0, 2).join(' ')}` } },
        { name: 'thread_name', ph: 'M', pid, tid: 0, args: { name: 'main' } },
        { name: 'thread_name', ph: 'M', pid, tid: 1, args: { name: 'startup' } },
      ]
      for (const p of phases()) events.push({ name: p.name, cat: 'startup', ph: 'X', ts: us(p.start), dur: us(p.duration), pid, tid: 1, args: { share: p.share } })
      for (const r of records()) {
        events.push({ name: r.name, cat: r.command ? `span,${r.command}` : 'span', ph: 'X', ts: us(r.start), dur: us(r.duration), pid, tid: 0, args: { depth: r.depth, status: r.status, ...(r.parent && { parent: r.parent }) } })
      }
      return events
    },
  }

  function phases(): StartupPhase[] {
      const end = startupEnd ?? now()
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
}
