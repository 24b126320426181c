/**
 * What a pool queues and runs: a plain run() is two queue slots (its fn and its promise's resolve);
 * anything that needs state of its own (a map item, a retried run(), a run() under a timeout, hook
 * listeners or adaptive concurrency) is a Job. A Lane is one slot of the pool, reused task after task.
 */
import { argumentError, PerfError, TimeoutError } from '../errors.js'
import type { TaskSettings } from './pool-options.js'
import { MAX_TIMER_MS } from './backoff.js'

export type TaskFn<T> = (signal: AbortSignal) => Promise<T> | T
/** The resolve of a run() promise; a failure settles it with a rejected promise (`rejectWith`). */
export type Settle = (value: unknown) => void

export interface Job {
  fn: TaskFn<unknown>
  settle: Settle
  attempt: number
  id: number
  /** A stopOnError map: the first failure cancels the rest synchronously, before a slot is reused. */
  group: { cancelled: boolean; fail(error: unknown): void } | undefined
  /** performance.now() at the start when the duration is needed (hooks, adaptive), else 0 */
  started: number
  /** A map item: the lane calls map.fn(items[index], index, signal) and reports to the map, no promise per item. */
  map: MapRun | undefined
  index: number
  /** run(fn, { signal }): the outside signal (the pool listens to it once per signal, not per task) */
  signal: AbortSignal | undefined
  /** while it runs under an outside signal: rejects the task with the signal's reason */
  onAbort: ((reason: unknown) => void) | undefined
  /** while it waits to be retried: the backoff timer */
  timer: ReturnType<typeof setTimeout> | undefined
  /** a call's own timeout, retries, backoff (pool-options.ts), shared by a map's items; undefined: the pool's */
  settings: TaskSettings | undefined
  /** a map item that is a promise and rejected: that item's failure, fn never ran, so no retry can help */
  itemRejected: boolean
}

/**
 * run(fn, { signal, group }), unperf's own (a graph with stopOnError): the group hears the task's
 * final failure (after its retries) synchronously, before its slot takes the next task, so it can
 * abort the signal and no task of the group starts after it.
 */
export interface GroupedRunOptions {
  signal: AbortSignal
  group: Job['group']
}

export interface MapRun {
  group: Job['group']
  items: unknown[]
  fn: (item: unknown, index: number, signal: AbortSignal) => unknown
  results: unknown[]
  errors: unknown[]
  /** items not settled yet; an async iterable's map counts one more until the iterable is done (pool-map-async.ts) */
  remaining: number
  /** an async iterable's map: pulls the next items after one settles (pool-map-async.ts) */
  pull: (() => void) | undefined
  /** aborted on the first failure with stopOnError; the never-aborted signal otherwise */
  signal: AbortSignal
  finish(): void
}

/** A queue entry is a pair of slots: (fn, settle) for a plain run(), (job, undefined) otherwise. */
export type Slot = TaskFn<unknown> | Job | Settle | undefined

/**
 * One slot of a pool. Its two handlers are created once and attached to every task it runs
 * (`result.then(lane.ok, lane.err)`): one derived promise per task, no closure, no await frame.
 */
export interface Lane {
  /** the plain run() in this lane: its fn (kept for a retry) and its promise's resolve */
  fn: TaskFn<unknown> | undefined
  settle: Settle | undefined
  /** or the job in this lane */
  job: Job | undefined
  readonly ok: (value: unknown) => void
  readonly err: (error: unknown) => void
}

let never: AbortSignal | undefined
/**
 * The signal of a task nothing can abort, one for all of them, made on first use (AbortSignal at
 * import loads abort_controller at startup). It keeps no 'abort' listener, as none could ever run:
 * kept, what each task hung on it (fetch's listener, a cleanup) stayed on this one signal for the
 * life of the process, ≈ 400 B a task (41 MB after 100 000 tasks), and node warned
 * MaxListenersExceededWarning past 10 listeners (fetch's own limit, 1 500, was passed too).
 * `AbortSignal.any([])`, no controller's: a signal made by any() with no sources never aborts, and
 * a task's `AbortSignal.any([signal, timeout])` takes its sources (none) rather than registering with
 * it; a controller's signal kept a WeakRef per call, never pruned on node 20 (≈ 60 B a task).
 */
export const neverAborted = (): AbortSignal => (never ??= unlistened(AbortSignal.any([])))

function unlistened(signal: AbortSignal): AbortSignal {
  const add = signal.addEventListener
  let onabort: unknown = null
  // own properties: the signal stays a real AbortSignal (AbortSignal.any(), fetch's checks), and
  // node's addAbortListener() goes through this addEventListener; `onabort` keeps its one value
  // here (node's setter counts on the listener it added being there)
  Object.defineProperties(signal, {
    addEventListener: {
      value(this: AbortSignal, type: string, ...rest: unknown[]): void {
        if (type !== 'abort') Reflect.apply(add, this, [type, ...rest])
      },
    },
    onabort: { get: () => onabort, set: (value: unknown) => { onabort = typeof value === 'function' ? value : null } },
  })
  return signal
}
export const noop = (): void => {}
/** Settles map items never started after a stopOnError failure (the map rejects with the first error). */
export const CANCELLED = new PerfError('E_CANCELLED', 'cancelled: an earlier task of this map failed')

let nextId = 1
export const taskId = (): number => nextId++

export const newJob = (fn: TaskFn<unknown>, settle: Settle, settings?: TaskSettings): Job =>
  ({ fn, settle, attempt: 0, id: nextId++, group: undefined, started: 0, map: undefined, index: 0, signal: undefined, onAbort: undefined, timer: undefined, settings, itemRejected: false })

export function callJob(job: Job, signal: AbortSignal): unknown {
  const m = job.map
  if (m === undefined) return job.fn(signal)
  const s = m.signal === neverAborted() ? signal : signal === neverAborted() ? m.signal : AbortSignal.any([signal, m.signal])
  const item = m.items[job.index]
  // an item that is a promise is awaited first, in the item's slot, as p-map does: fn gets its value
  // (a rejected one fails the item with its reason)
  if (item !== null && typeof item === 'object' && typeof (item as PromiseLike<unknown>).then === 'function') {
    return Promise.resolve(item).then(value => m.fn(value, job.index, s), (reason: unknown) => {
      job.itemRejected = true
      throw reason
    })
  }
  return m.fn(item, job.index, s)
}

/**
 * Rejects a run() promise through its resolve: only the resolve is kept while a task waits (the
 * reject function dies young, a queued task stays small), and adopting a rejected promise settles it
 * the same way (the rejection is handled by the adoption in the same microtask checkpoint).
 */
export function rejectWith(settle: Settle, error: unknown): void {
  settle(Promise.reject(error))
}

export function settled(job: Job, ok: boolean, value: unknown): void {
  const m = job.map
  if (m === undefined) {
    if (ok) job.settle(value)
    else rejectWith(job.settle, value)
    return
  }
  if (ok) m.results[job.index] = value
  else m.errors.push(value)
  if (--m.remaining === 0) m.finish()
  else if (m.pull !== undefined) m.pull()
}

/**
 * A task's result as a promise, or undefined for a plain value (handled synchronously). A thenable
 * other than a native promise is adopted first (its then may call back twice or synchronously); a
 * `then` getter that throws is a rejection, as with `await`.
 */
export function asPromise(result: unknown): Promise<unknown> | undefined {
  if (result instanceof Promise) return result
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) return undefined
  try {
    return typeof (result as { then?: unknown }).then === 'function' ? Promise.resolve(result) : undefined
  } catch (error) {
    return Promise.reject(error)
  }
}

/** The state of one map(): its items' results and errors, and with stopOnError its cancel group. */
export function newMapRun(
  items: unknown[], fn: MapRun['fn'], stopOnError: boolean, pool: string,
  resolve: (results: unknown[]) => void, reject: (error: unknown) => void,
): MapRun {
  const controller = stopOnError ? new AbortController() : undefined
  const group: Job['group'] = controller && {
    cancelled: false,
    fail(error: unknown) {
      if (group!.cancelled) return
      group!.cancelled = true
      controller.abort(error)
      // at once, as p-map: the items in flight saw their signal abort; one that ignores it keeps its
      // slot until it settles (onIdle() waits for it) but no longer holds the map
      reject(error)
    },
  }
  const run: MapRun = {
    group, items, fn, results: new Array<unknown>(items.length), errors: [], remaining: items.length, pull: undefined,
    signal: controller ? controller.signal : neverAborted(),
    finish: () => {
      if (group?.cancelled) return // rejected by fail()
      if (run.errors.length === 1) reject(run.errors[0])
      else if (run.errors.length > 1) reject(new AggregateError(run.errors, `[unperf] ${run.errors.length} of ${items.length} tasks failed in pool '${pool}'`))
      else resolve(run.results)
    },
  }
  return run
}

/**
 * fn under a timeout and/or an outside signal (run(fn, { signal })): the task's signal aborts on
 * either, and the task rejects at once, with TimeoutError or the signal's reason; its slot is freed
 * then, fn keeps running unless it honours the signal.
 */
export function callGuarded(job: Job, timeout: number | false, pool: string, onTimeout: () => void): Promise<unknown> {
  const outer = job.signal
  const controller = timeout === false ? undefined : new AbortController()
  // the outside signal reaches the task through job.onAbort (the pool's one listener per signal,
  // pool-signals.ts), not AbortSignal.any([outer, controller.signal]): node 20 kept a WeakRef per
  // call in the outer signal's dependants, never pruned (a Ctrl-C controller given to every run of
  // a timed pool: ≈ 55 B a task for the life of the process, +16 MB after 300 000 tasks)
  const signal = controller === undefined ? outer! : controller.signal
  return new Promise((resolve, reject) => {
    if (outer?.aborted) {
      reject(outer.reason)
      return
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    const end = () => {
      if (timer !== undefined) clearTimeout(timer)
      job.onAbort = undefined
    }
    if (controller !== undefined) {
      timer = setTimeout(() => {
        job.onAbort = undefined
        const error = new TimeoutError(`task ${job.id} in pool '${pool}'`, timeout as number)
        onTimeout()
        controller.abort(error)
        reject(error)
      }, Math.min(timeout as number, MAX_TIMER_MS))
      // not unref'd: the task's promise is awaited; a fn that hangs holding no handle of its own must
      // still reject with TimeoutError, not let the process exit with the task unsettled
    }
    // set before fn runs: fn may abort the signal itself
    if (outer !== undefined) job.onAbort = (reason) => { end(); controller?.abort(reason); reject(reason) }
    let result: unknown
    try {
      result = callJob(job, signal)
    } catch (error) {
      end()
      reject(error)
      return
    }
    Promise.resolve(result).then(
      value => { end(); resolve(value) },
      error => { end(); reject(error) },
    )
  })
}

/**
 * An outside `signal` that is not an AbortSignal (the AbortController itself, a common slip): the
 * error to reject with, else undefined. Checked where a signal is given, never on the plain path.
 */
export function signalError(signal: unknown, where: string): TypeError | undefined {
  if (signal instanceof AbortSignal) return undefined
  const got = signal instanceof AbortController ? 'an AbortController (pass controller.signal)' : signal === null ? 'null' : typeof signal
  return argumentError(`${where}: signal must be an AbortSignal, got ${got}`)
}
