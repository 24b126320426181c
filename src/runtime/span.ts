/**
 * Spans, marks and startup phases (their Chrome Trace Event Format export: span-trace.ts).
 *
 * Nesting is tracked with a plain stack of open spans, not AsyncLocalStorage: on Node 20 an ALS
 * makes every await in the host pay more (≈ 0.05 → 0.13 µs; bench/span.mjs). The stack is exact for
 * sequential nesting (the common case: `await perf.span('a', () => perf.span('b', ...))`, awaited
 * siblings). Its limit: spans started concurrently within one command
 * (`Promise.all(items.map(i => perf.span(...)))`) take the span still open at their start as parent.
 *
 * Commands are roots: a command's spans nest under that command's own spans only. One at a time (a
 * CLI) runs on that stack. A command started while another runs (a service's concurrent requests, a
 * command awaited inside another's span), or inside a span still open, gets a lane of its own that
 * starts from no open span, carried across awaits by an AsyncLocalStorage created then: its spans
 * name it, and nest under its own spans, whatever the other commands do meanwhile. Only a process
 * that overlaps commands (or starts one inside a span) pays for it. The main lane's limit: a span
 * that code outside any command starts while one command runs alone there (a timer set up before
 * it) is that command's, under its open span; why it stays so: docs/execution.md, "Spans".
 */
import type { AsyncLocalStorage } from 'node:async_hooks'
import { now } from './clock.js'
import { startupPhases, traceEvents } from './span-trace.js'
import { redact } from './warn.js'
import type { SpanParent, Tracer } from './_internal.js'
import type { SpanRecord, StartupPhase } from './types.js'

/**
 * Span i (its number since the tracer began) lives in `data[(i - base) * STRIDE ...]` (a growable
 * Float64Array: start, duration, depth, parent number or -1, status, its command's run number or 0),
 * its name, its parent's and its
 * command's in `names[i - base]`, `parents[i - base]`, `commands[i - base]`: a span allocates nothing
 * until records() (a command name per request is held by its spans only, never by an ever-growing table).
 */
const STRIDE = 6
const OK = 1
const ERROR = 2

/**
 * Spans kept for the report and the trace: the newest. A long-running process (a service with
 * spans in every request) drops older ones in batches, once twice as many are held, so the tracer
 * never holds more than 2 × SPANS_KEPT (≈ 1.3 MB, measured before a span held its run: 8 bytes more each); `dropped` counts them. A span still open when
 * it is dropped (a server-long span) still ends, and still names the parent of the spans it starts.
 */
export const SPANS_KEPT = 10_000

/**
 * Where new spans go: the open spans (numbers), the command's name and its run (its number among
 * the process's commands, from 1): concurrent runs of one command (a service's requests) tell their
 * spans apart by it.
 */
interface Lane { stack: number[]; command: string | undefined; run: number }

export function createTracer(): Tracer {
  const names: string[] = []
  const parents: Array<string | undefined> = []
  let data = new Float64Array(256 * STRIDE)
  const commands: Array<string | undefined> = []
  const main: Lane = { stack: [], command: undefined, run: 0 }
  let runs = 0
  // created by the first command that overlaps another (see above)
  let lanes: AsyncLocalStorage<Lane> | undefined
  let running = 0
  const lane = (): Lane => (lanes === undefined ? main : lanes.getStore() ?? main)
  const marks: { name: string; at: number }[] = []
  let count = 0
  /** Number of the oldest span kept (data's first slot); spans below it were dropped. */
  let base = 0
  /** Names of dropped spans still open: the parents of the spans they will start. */
  const openDropped = new Map<number, string>()
  let startupEnd: number | undefined

  /** Drops the oldest spans beyond SPANS_KEPT (moves the newest to the front of data). */
  const compact = () => {
    const drop = count - base - SPANS_KEPT
    for (let k = 0; k < drop; k++) if (data[k * STRIDE + 4] === 0) openDropped.set(base + k, names[k]!)
    data.copyWithin(0, drop * STRIDE, (count - base) * STRIDE)
    names.splice(0, drop)
    parents.splice(0, drop)
    commands.splice(0, drop)
    base += drop
  }
  const nameOf = (i: number): string | undefined => (i >= base ? names[i - base] : openDropped.get(i))

  const finish = (i: number, status: number, { stack }: Lane) => {
    if (i >= base) {
      const at = (i - base) * STRIDE
      data[at + 1] = now() - data[at]!
      data[at + 4] = status
    } else openDropped.delete(i)
    // sequential nesting closes the innermost span: pop; out-of-order ends (concurrent spans) search
    if (stack[stack.length - 1] === i) stack.pop()
    else {
      const k = stack.lastIndexOf(i)
      if (k !== -1) stack.splice(k, 1)
    }
  }

  /** Awaits an async result: one await, no closures per span. */
  const settle = async <T>(result: PromiseLike<T>, i: number, l: Lane): Promise<T> => {
    let value: T
    try {
      value = await result
    } catch (error) {
      finish(i, ERROR, l)
      throw error
    }
    finish(i, OK, l)
    return value
  }

  const records = (): SpanRecord[] => {
    const list: SpanRecord[] = []
    for (let i = Math.max(base, count - SPANS_KEPT); i < count; i++) {
      const at = (i - base) * STRIDE
      const status = data[at + 4]
      if (status === 0) continue
      // names as the report, the trace and OTel get them: a credential in one (a span named after
      // a url with a token) redacted, here rather than in span() (the hot path)
      const record: SpanRecord = { name: redact(names[i - base]!), start: data[at]!, duration: data[at + 1]!, depth: data[at + 2]!, status: status === OK ? 'ok' : 'error' }
      record.id = i
      const parent = parents[i - base]
      if (parent !== undefined) record.parent = redact(parent)
      const parentId = data[at + 3]!
      if (parentId >= 0) record.parentId = parentId
      const command = commands[i - base]
      if (command !== undefined) record.command = redact(command)
      const run = data[at + 5]!
      if (run > 0) record.run = run
      list.push(record)
    }
    return list
  }

  /** Starts span number count (returned): its slot, name, parent and command. */
  const open = (name: string, depth: number, parent: number, parentName: string | undefined, command: string | undefined, run: number): number => {
    const i = count++
    if ((i - base) * STRIDE + STRIDE > data.length) {
      if (i - base >= 2 * SPANS_KEPT) compact()
      else {
        const grown = new Float64Array(Math.min(data.length * 2, 2 * SPANS_KEPT * STRIDE))
        grown.set(data)
        data = grown
      }
    }
    let at = (i - base) * STRIDE
    names.push(name)
    parents.push(parentName)
    data[at++] = now()
    data[at++] = 0
    data[at++] = depth
    data[at++] = parent
    data[at++] = 0
    data[at] = run
    commands.push(command)
    return i
  }

  /** Calls fn for span i: ends it when fn returns, or when its promise settles. */
  const time = <T>(fn: () => Promise<T> | T, i: number, l: Lane): Promise<T> => {
    let result: Promise<T> | T
    try {
      result = fn()
    } catch (error) {
      finish(i, ERROR, l)
      return Promise.reject(error)
    }
    if (result !== null && typeof result === 'object' && typeof (result as unknown as PromiseLike<T>).then === 'function') {
      return settle(result as unknown as PromiseLike<T>, i, l)
    }
    finish(i, OK, l)
    return Promise.resolve(result)
  }

  /** The lane of spans started under an explicit parent: never on a stack (finish() finds nothing to pop). */
  const detached: Lane = { stack: [], command: undefined, run: 0 }

  return {
    // the hot path: kept inline (open() and time() are spanUnder's, the same steps)
    span<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      const i = count++
      const l = lane()
      const { stack } = l
      const depth = stack.length
      if ((i - base) * STRIDE + STRIDE > data.length) {
        if (i - base >= 2 * SPANS_KEPT) compact()
        else {
          const grown = new Float64Array(Math.min(data.length * 2, 2 * SPANS_KEPT * STRIDE))
          grown.set(data)
          data = grown
        }
      }
      let at = (i - base) * STRIDE
      names.push(name)
      parents.push(depth > 0 ? nameOf(stack[depth - 1]!) : undefined)
      data[at++] = now()
      data[at++] = 0
      data[at++] = depth
      data[at++] = depth > 0 ? stack[depth - 1]! : -1
      data[at++] = 0
      data[at] = l.run
      commands.push(l.command)
      stack.push(i)
      let result: Promise<T> | T
      try {
        result = fn()
      } catch (error) {
        finish(i, ERROR, l)
        return Promise.reject(error)
      }
      if (result !== null && typeof result === 'object' && typeof (result as unknown as PromiseLike<T>).then === 'function') {
        return settle(result as unknown as PromiseLike<T>, i, l)
      }
      finish(i, OK, l)
      return Promise.resolve(result)
    },

    parent(): SpanParent {
      const l = lane()
      const depth = l.stack.length
      const index = depth > 0 ? l.stack[depth - 1]! : -1
      return { index, name: index === -1 ? undefined : nameOf(index), depth, command: l.command, run: l.run }
    },

    spanUnder<T>(parent: SpanParent, name: string, fn: () => Promise<T> | T): Promise<T> {
      return time(fn, open(name, parent.depth, parent.index, parent.name, parent.command, parent.run), detached)
    },

    mark(name: string): void {
      if (startupEnd === undefined) marks.push({ name, at: now() })
    },

    command<T>(name: string, body: (run: number) => Promise<T>): Promise<T> {
      if (startupEnd === undefined) startupEnd = now()
      const run = ++runs
      running++
      const ended = () => { running-- }
      if (lanes === undefined && running === 1 && main.stack.length === 0) {
        // one command at a time, started at the top level: the main lane
        main.command = name
        main.run = run
        const done = () => { ended(); main.command = undefined; main.run = 0 }
        return body(run).then(value => { done(); return value }, (error: unknown) => { done(); throw error })
      }
      // another command is running (or ran in a lane before), or a span is open here: this one's own
      // lane, a root: no open span of another command (or of none) is its spans' parent
      lanes ??= new (process.getBuiltinModule('node:async_hooks') as typeof import('node:async_hooks')).AsyncLocalStorage<Lane>()
      return lanes.run({ stack: [], command: name, run }, body, run).then(value => { ended(); return value }, (error: unknown) => { ended(); throw error })
    },

    records,

    endOpen(ok: boolean): void {
      const end = now()
      for (let at = 0; at < (count - base) * STRIDE; at += STRIDE) {
        if (data[at + 4] !== 0) continue
        data[at + 1] = end - data[at]!
        data[at + 4] = ok ? OK : ERROR
      }
    },

    get dropped() {
      return Math.max(0, count - SPANS_KEPT)
    },

    get startupEnd() {
      return startupEnd
    },

    phases,

    traceEvents: () => traceEvents(phases(), records()),
  }

  function phases(): StartupPhase[] {
    return startupPhases(marks, startupEnd ?? now())
  }
}
