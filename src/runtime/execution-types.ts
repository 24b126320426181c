/**
 * Public types of pools (`perf.pool(name)`), worker threads (`perf.workers`) and graphs
 * (`perf.graph(tasks)`): their options and results. Imports types only; src/runtime/types.ts
 * re-exports them.
 */
import type { Duration } from '../config/types.js'

/**
 * A pool's settings for one call, over its config (`concurrency.pools.<name>`): `run(fn, { timeout:
 * '2s', retries: 3 })` for one slow call, as p-queue's `add(fn, { timeout })` or got's per-request
 * options. Each one omitted (or `undefined`) is the pool's; the next call has the pool's again. Read
 * as the config reads them; a bad value rejects the call with a `TypeError` (`code:
 * 'E_INVALID_ARGUMENT'`) naming the option, before anything runs. {@link PoolRunOptions},
 * {@link PoolMapOptions} (a map's apply to each of its items).
 */
export interface PoolTaskOptions {
  /**
   * Per attempt: the task's signal aborts and it rejects with `TimeoutError` (`code: 'E_TIMEOUT'`),
   * its slot freed at once. Number = ms, string = `'2s'`. `false` = no timeout, even if the pool has
   * one; `0` is refused (as in the config: use `false`). Costs an `AbortController` and a timer per
   * attempt. @default the pool's `timeout` (`false`)
   */
  timeout?: Duration | false | undefined
  /**
   * Extra attempts after a failure (timeouts included), an integer from 0 to 100; `0` = none, even
   * if the pool retries. Not after an `AbortError` or a `TypeError` other than a network one, as the
   * pool's. @default the pool's `retries` (`0`)
   */
  retries?: number | undefined
  /**
   * Base delay of the retries: retry *n* (1 for the first) waits uniform [0, min(maxBackoff, backoff × 2ⁿ⁻¹)].
   * Number = ms, string = `'100ms'`; `0` = retry at once. @default the pool's `backoff` (`'100ms'`)
   */
  backoff?: Duration | undefined
  /** Cap of one retry delay. Number = ms, string = `'5s'`. @default the pool's `maxBackoff` (`'10s'`) */
  maxBackoff?: Duration | undefined
}
export interface PoolMapOptions extends PoolTaskOptions {
  /** Abort in-flight tasks and start no more after the first failure. @default false */
  stopOnError?: boolean | undefined
  /**
   * Cancels the whole map, as p-map's `signal`: once aborted, the map rejects with the signal's
   * reason; items still queued never run, running ones get a signal that aborts with it (their
   * slots are freed at once), none is retried. Already aborted: nothing runs.
   */
  signal?: AbortSignal | undefined
}
export interface PoolRunOptions extends PoolTaskOptions {
  /**
   * Cancels the task, as p-queue's `add(fn, { signal })`: once aborted, the task rejects with the
   * signal's reason; still queued, it is taken out of the queue and never runs; running, fn (which
   * gets a signal that aborts with it) can stop, and its slot is freed at once. A task waiting for
   * a retry is not retried. Already aborted: the task rejects without running.
   */
  signal?: AbortSignal | undefined
}
export interface PoolStats {
  name: string
  concurrency: number
  adaptive: boolean
  active: number
  queued: number
  completed: number
  failed: number
  /** Tasks that were running when their outside signal aborted (queued ones never ran and are not counted). */
  cancelled: number
  retries: number
  timeouts: number
}
export interface PerfPool {
  /** The pool's name (`concurrency.pools.<name>`; `'default'` for `perf.pool()`). */
  readonly name: string
  /** Runs `fn(signal)` when a slot is free, with the pool's timeout, retries and backoff (or `options`'); its result. */
  run<T>(fn: (signal: AbortSignal) => Promise<T> | T, options?: PoolRunOptions): Promise<T>
  /** `fn(item, index, signal)` over every item through the pool; the results in the items' order. */
  map<I, T>(items: Iterable<I | PromiseLike<I>> | AsyncIterable<I | PromiseLike<I>>, fn: (item: I, index: number, signal: AbortSignal) => Promise<T> | T, options?: PoolMapOptions): Promise<T[]>
  /** Tasks running now. */
  readonly active: number
  /** Tasks waiting. */
  readonly queued: number
  /** Current concurrency (changes over time for 'adaptive'). */
  readonly concurrency: number
  /** Counters of this pool ({@link PoolStats}). */
  stats(): PoolStats
  /** Resolves when nothing is running or queued. */
  onIdle(): Promise<void>
}
export interface WorkerRunOptions {
  /**
   * This call's time limit per attempt, over `concurrency.workers.timeout`: timed from the moment a
   * thread takes the task (not while it waits for one, nor a new thread's start); past it the
   * thread is terminated (the pool starts another for the next task) and the call rejects with
   * `TimeoutError` (`code: 'E_TIMEOUT'`). Number = ms, string = `'2s'`. `false` = none, even if the
   * config sets one; `0` is refused (as in the config: use `false`). @default `concurrency.workers.timeout` (`false`)
   */
  timeout?: Duration | false | undefined
  /**
   * This call's extra attempts after a failure (a timeout included), an integer from 0 to 100, over
   * `concurrency.workers.retries`; `0` = none. With the pools' backoff (0–100 ms before the first
   * retry, the bound doubling with each, full jitter, cap 10 s); not after an `AbortError` or a non-network `TypeError`, nor for a call with a
   * `transferList` (its buffers left with the first attempt). A timed-out attempt's thread is
   * terminated first, so no two attempts of one call ever run at once.
   * @default `concurrency.workers.retries` (`0`)
   */
  retries?: number | undefined
  /**
   * Moved to the worker, not copied, as Piscina's `transferList` (postMessage's transfer list):
   * ArrayBuffers (the `.buffer` of a typed array among the args), MessagePorts. They are detached
   * here once sent; a task with a transfer list is therefore never retried. Typed as objects so
   * the types need no @types/node; what postMessage cannot move is a TypeError naming it.
   */
  transferList?: readonly object[] | undefined
  /**
   * Cancels the task, as Piscina's `signal`: queued, it never runs; running, its thread is
   * terminated; waiting for a retry, the wait ends. Rejects with the signal's reason, not retried.
   */
  signal?: AbortSignal | undefined
  /**
   * Move the result back instead of copying it, as a Piscina export's `Piscina.move(result)`: an
   * `ArrayBuffer`, or a typed array / `Buffer` / `DataView` that spans its whole buffer, returned by
   * the export (alone, or as a direct element or property of a returned array or plain object) is
   * transferred, zero copy, and detached in the worker. Only for exports that return buffers they do
   * not keep (a buffer cached in the worker would be empty on its next call). A view of part of a
   * larger buffer (a small `Buffer` from Node's pool), a `SharedArrayBuffer` or anything else is copied
   * as without the option. @default false
   */
  transferResult?: boolean | undefined
}
export interface PerfWorkers {
  /** Calls `exportName(...args)` of the module at `moduleUrl` in a worker thread (CPU-bound work); its result, copied back. */
  run<T = unknown>(moduleUrl: string | URL, exportName: string, args?: unknown[], options?: WorkerRunOptions): Promise<T>
  /**
   * The worker tasks' counters in a pool's shape (name `'workers'`, concurrency = `concurrency.workers.max`),
   * as the report's `pools` lists them: per call, its retries and timed-out attempts counted apart.
   */
  stats(): PoolStats
  /** Ends the worker threads (`perf.close()` does). */
  close(): Promise<void>
}
export interface GraphTask<T = unknown> {
  /** The task: gets the results of the tasks done so far (its `deps`' among them) and a signal. */
  run: (ctx: { results: Record<string, unknown>; signal: AbortSignal }) => Promise<T> | T
  /** Names of the tasks it waits for (a cycle or an unknown name is an error). */
  deps?: string[] | undefined
}
export interface GraphOptions {
  /** Pool name the tasks run in. @default the default pool */
  pool?: string | undefined
  /**
   * The name of the graph's span (its tasks' spans are under it): tells apart the graphs of one
   * command in the report and the trace. @default 'graph'
   */
  name?: string | undefined
  /**
   * The first failure stops the graph, as p-map's `stopOnError`: the tasks running see their
   * signal abort, no other task starts, and the graph rejects at once with a `GraphError` (`task`,
   * `cause`, `result`). @default false: a failure skips its dependents only, the graph resolves
   */
  stopOnError?: boolean | undefined
  /**
   * Cancels the graph, as p-map's `signal`: once aborted the graph rejects with the signal's
   * reason, the tasks running see their signal abort and no other task starts.
   */
  signal?: AbortSignal | undefined
}
/**
 * What `perf.graph(tasks)` resolves `results` with: each task's result by its name, typed by what
 * its `run` returns. Optional: a task that failed, was skipped or did not run has none (check
 * `failed.length`).
 */
export type GraphResults<T extends Record<string, GraphTask>> = { [K in keyof T]?: Awaited<ReturnType<T[K]['run']>> }
export interface GraphResult<R extends Record<string, unknown> = Record<string, unknown>> {
  results: R
  ran: string[]
  failed: { name: string; error: unknown }[]
  skipped: string[]
  /** ms */
  duration: number
}
