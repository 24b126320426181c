/**
 * Concurrency pools: bounded, ordered `map`, per-task timeout with AbortSignal, retries with
 * exponential backoff and full jitter, and an 'adaptive' limit tuned by AIMD on throughput, latency
 * and the failures that say the service is overloaded (pool-adaptive.ts, overload.ts).
 *
 * The hot path (a run() in a pool with no timeout, no hook listener, fixed concurrency): a queued task
 * is two slots of a chunked FIFO (its fn and its promise's resolve: no job record, no closure), and a
 * slot (a Lane, reused) runs it with one `.then(lane.ok, lane.err)`; a run() that finds a free slot
 * returns its result's `.then` directly. AbortController, job records, timing and hooks only when a
 * feature needs them. Why this is the floor: bench/results/pool.md ("Where the time goes").
 * Its slots and lanes: pool-lanes.ts; the tasks of outside AbortSignals: pool-signals.ts.
 */
import { availableParallelism } from 'node:os'
import type { ResolvedPoolConfig } from '../config/types.js'
import type { RuntimeContext } from './_internal.js'
import type { PerfPool, PoolMapOptions, PoolRunOptions, PoolStats } from './types.js'
import { AdaptiveLimit } from './pool-adaptive.js'
import { overload, retryAfter } from './overload.js'
import { isRetriable } from './retriable.js'
import { backoffDelay, MAX_TIMER_MS } from './backoff.js'
import { PoolSignals } from './pool-signals.js'
import { mapInputError, poolRunError } from './input-errors.js'
import { knownKeys } from './input-checks.js'
import { TASK_SETTINGS, taskSettings } from './pool-options.js'
import type { TaskSettings } from './pool-options.js'
import { feedMap, isAsyncIterable } from './pool-map-async.js'
import { asPromise, callGuarded, callJob, CANCELLED, neverAborted, newJob, newMapRun, noop, rejectWith, settled, signalError, taskId } from './pool-job.js'
import type { GroupedRunOptions, Job, Lane, MapRun, Settle, TaskFn } from './pool-job.js'

/**
 * ms before retry `attempt + 1` of a task that failed with `error`: the backoff, or what the service
 * asked (Retry-After) if longer, as got, ky and undici's RetryAgent wait it; undefined when it asked
 * for more than the cap of one delay (`maxBackoff`): the task fails at once with that error, as got
 * gives up past its maxRetryAfter, rather than sleep for minutes or retry early only to be refused.
 */
function retryDelay(attempt: number, settings: TaskSettings, error: unknown): number | undefined {
  const backoff = backoffDelay(attempt, settings.backoff, settings.maxBackoff)
  const asked = retryAfter(error)
  if (asked === undefined) return backoff
  if (asked > Math.min(settings.maxBackoff, MAX_TIMER_MS)) return undefined
  // + 1: a timer can fire up to a ms before its delay by the clock that measured the answer
  return Math.max(backoff, Math.ceil(asked) + 1)
}

/** What run(fn, options) reads: the caller's signal, the pool's settings for this call, and the group of a graph's tasks (graph.ts). */
const RUN_KEYS = ['signal', 'group', ...TASK_SETTINGS]

export class Pool extends PoolSignals implements PerfPool {
  private readonly _adaptive: AdaptiveLimit | undefined
  protected override readonly _stats = { completed: 0, failed: 0, cancelled: 0, retries: 0, timeouts: 0 }

  /** `adaptive`: the limit of an 'adaptive' pool (default: from availableParallelism(), docs/execution.md) */
  constructor(override readonly name: string, private readonly _options: ResolvedPoolConfig, private readonly _ctx: RuntimeContext | undefined, adaptive?: AdaptiveLimit) {
    super()
    if (_options.concurrency === 'adaptive') {
      this._adaptive = adaptive ?? new AdaptiveLimit(availableParallelism(), 1, Math.max(4, availableParallelism() * 4))
      this._limit = this._adaptive.limit
    } else {
      this._limit = Math.max(1, _options.concurrency)
    }
  }

  get active(): number { return this._active }
  get queued(): number { return this._queue.size }
  get concurrency(): number { return this._limit }

  run<T>(fn: TaskFn<T>, options?: PoolRunOptions): Promise<T> {
    // a JavaScript caller's slip failed in a slot, as 'fn is not a function' (a failed task, counted)
    if (typeof fn !== 'function') return Promise.reject(poolRunError(this.name, fn, options))
    if (options !== undefined) {
      const submitted = this._runWith(fn as TaskFn<unknown>, options)
      if (submitted !== undefined) return submitted as Promise<T>
    }
    if (this._active < this._limit && this._options.retries === 0 && this._plain()) return this._direct(fn) as Promise<T>
    this._pending = fn as TaskFn<unknown>
    return new Promise(this._executor) as Promise<T>
  }

  map<I, T>(items: Iterable<I | PromiseLike<I>> | AsyncIterable<I | PromiseLike<I>>, fn: (item: I, index: number, signal: AbortSignal) => Promise<T> | T, options: PoolMapOptions = {}): Promise<T[]> {
    const bad = mapInputError(this.name, items, fn, options)
    if (bad !== undefined) return Promise.reject(bad)
    const settings = taskSettings(options as Record<string, unknown>, this._options, this.name, 'map(items, fn')
    if (settings instanceof TypeError) return Promise.reject(settings)
    const pulled = isAsyncIterable(items) && !Array.isArray(items)
    const list = pulled ? [] : Array.isArray(items) ? (items as I[]) : Array.from(items as Iterable<I>)
    const outside = options.signal ?? undefined
    const invalid = outside === undefined ? undefined : signalError(outside, `pool '${this.name}': map(items, fn, { signal })`)
    if (invalid !== undefined) return Promise.reject(invalid)
    if (outside?.aborted) return Promise.reject(outside.reason)
    if (list.length === 0 && !pulled) return Promise.resolve([])
    return new Promise<T[]>((resolve, reject) => {
      // an outside signal: its jobs are tracked like run()'s, and untracked when the map settles
      const jobs: Job[] | undefined = outside && []
      const done = jobs && ((): void => { for (const job of jobs) this._untrack(job) })
      const fail = done ? (error: unknown) => { done(); reject(outside!.aborted ? outside!.reason : error) } : reject
      const run = newMapRun(list, fn as MapRun['fn'], options.stopOnError === true, this.name,
        done ? (results: unknown[]) => { done(); (resolve as (results: unknown[]) => void)(results) } : resolve as (results: unknown[]) => void, fail)
      const submit = (i: number): void => {
        // a promise item waiting for its slot is handled now: one that rejects meanwhile fails its item then, no unhandled rejection
        const item = run.items[i]
        if (item !== null && typeof item === 'object' && typeof (item as PromiseLike<unknown>).then === 'function') Promise.resolve(item).catch(noop)
        const job: Job = { fn: noop, settle: noop, attempt: 0, id: taskId(), group: run.group, started: 0, map: run, index: i, signal: outside, onAbort: undefined, timer: undefined, settings, itemRejected: false }
        if (jobs) { jobs.push(job); this._track(job, outside!) }
        if (run.group?.cancelled) settled(job, false, CANCELLED)
        else this._submit(job)
      }
      if (pulled) {
        // one more item until the iterable is done (pool-map-async.ts)
        run.remaining = 1
        feedMap(run, items as AsyncIterable<unknown>, () => this._limit, submit, fail, outside)
        return
      }
      for (let i = 0; i < list.length; i++) submit(i)
    })
  }

  stats(): PoolStats {
    return { name: this.name, concurrency: this._limit, adaptive: this._adaptive !== undefined, active: this._active, queued: this.queued, ...this._stats }
  }

  onIdle(): Promise<void> {
    if (this._active === 0 && this.queued === 0 && this._backingOff === 0) return Promise.resolve()
    return new Promise(resolve => this._idle.push(resolve))
  }

  // --- internal ---

  /**
   * run(fn, options): options that are not an object ('fast', true), or with a key run() does not
   * read, were read as no options, silently: refused. A signal takes the signalled path, and a
   * call's own settings (timeout, retries, backoff) make a job that carries them; undefined: none
   * of these (`{}`), the call runs as run(fn).
   */
  private _runWith(fn: TaskFn<unknown>, options: PoolRunOptions): Promise<unknown> | undefined {
    if (typeof options !== 'object' || options === null || Array.isArray(options) || !knownKeys(options, RUN_KEYS)) return Promise.reject(poolRunError(this.name, fn, options))
    const settings = taskSettings(options as Record<string, unknown>, this._options, this.name, 'run(fn')
    if (settings instanceof TypeError) return Promise.reject(settings)
    if (options.signal != null) return this._runSignalled(fn, options.signal, (options as GroupedRunOptions).group, settings)
    return settings && new Promise((resolve: Settle) => this._submit(newJob(fn, resolve, settings)))
  }

  /** A job to a free slot, else to the queue. */
  protected override _submit(job: Job): void {
    if (this._active < this._limit) {
      this._active++
      this._start(this._lane(), job, undefined)
    } else {
      this._queue.push(job, undefined)
    }
  }

  /** The fn of the run() being submitted: read by the shared executor, so a run() allocates no closure. */
  private _pending: TaskFn<unknown> | undefined
  private readonly _executor = (resolve: Settle): void => {
    const fn = this._pending!
    this._pending = undefined
    if (this._active < this._limit) {
      this._active++
      this._start(this._lane(), fn, resolve)
    } else {
      this._queue.push(fn, resolve)
    }
  }

  /**
   * A free slot and nothing to remember (no retry, timeout, hook or adaptive limit): fn runs now and
   * the returned promise is its result's one `.then`, with handlers shared by the whole pool.
   */
  private _direct(fn: TaskFn<unknown>): Promise<unknown> {
    this._active++
    let result: unknown
    try {
      result = fn(neverAborted())
    } catch (error) {
      this._stats.failed++
      this._release()
      return Promise.reject(error)
    }
    const promise = asPromise(result)
    return promise === undefined ? Promise.resolve(this._directOk(result)) : promise.then(this._directOk, this._directErr)
  }

  private readonly _directOk = (value: unknown): unknown => {
    this._stats.completed++
    this._release()
    return value
  }

  private readonly _directErr = (error: unknown): never => {
    this._stats.failed++
    this._release()
    throw error
  }

  /** No timeout, no task hook listened to, a fixed limit: a run() needs no job record. */
  protected override _plain(): boolean {
    const hooks = this._ctx?.hooks
    return this._options.timeout === false && this._adaptive === undefined &&
      (hooks === undefined || !(hooks.hasListeners('task:start') || hooks.hasListeners('task:end') || hooks.hasListeners('task:error')))
  }

  /** Starts a job: timing when needed, task:start, the timeout. */
  protected override _begin(job: Job): unknown {
    const hooks = this._ctx?.hooks
    const timed = this._adaptive !== undefined || (hooks !== undefined && (hooks.hasListeners('task:end') || hooks.hasListeners('task:error')))
    job.started = timed ? performance.now() : 0
    if (hooks && hooks.hasListeners('task:start')) hooks.emit('task:start', { pool: this.name, id: job.id, attempt: job.attempt })
    const timeout = (job.settings ?? this._options).timeout
    return timeout === false && job.signal === undefined ? callJob(job, neverAborted()) : callGuarded(job, timeout, this.name, this._onTimeout)
  }

  protected override _succeeded(lane: Lane, value: unknown): void {
    this._stats.completed++
    const job = lane.job
    if (job === undefined) {
      const settle = lane.settle!
      lane.fn = lane.settle = undefined
      settle(value)
      return
    }
    lane.job = undefined
    if (job.started !== 0) {
      const duration = performance.now() - job.started
      if (this._adaptive) this._setLimit(this._adaptive.record(duration, job.started))
      const hooks = this._ctx?.hooks
      if (hooks && hooks.hasListeners('task:end')) hooks.emit('task:end', { pool: this.name, id: job.id, attempt: job.attempt, duration })
    }
    settled(job, true, value)
  }

  protected override _failedIn(lane: Lane, error: unknown): void {
    const job = lane.job ?? newJob(lane.fn!, lane.settle!)
    lane.job = lane.fn = lane.settle = undefined
    this._failed(job, error)
  }

  private readonly _onTimeout = (): void => { this._stats.timeouts++ }

  private _setLimit(limit: number): void {
    const grew = limit > this._limit
    this._limit = limit
    if (grew) this._fill()
  }

  private _failed(job: Job, error: unknown): void {
    const hooks = this._ctx?.hooks
    const duration = job.started === 0 ? 0 : performance.now() - job.started
    // ended by its outside signal, or after its stopOnError map stopped (its signal aborted with the
    // first error): a cancellation, not a failure of the work (nor a latency sample)
    const cancelled = job.group?.cancelled === true
    const aborted = job.signal?.aborted === true || cancelled
    if (this._adaptive && !aborted) {
      // a refusal (HTTP 429…) or a loss (a timeout, a reset) is congestion; any other failure is not (overload.ts)
      const kind = overload(error)
      if (kind !== undefined) this._setLimit(this._adaptive.failed(kind, job.started))
    }
    // an aborted outside signal ends the task: no retry; nor a failure no retry can help (a bug's
    // TypeError, an AbortError the task threw: retriable.ts)
    const settings = job.settings ?? this._options
    const delay = !cancelled && !job.itemRejected && job.attempt < settings.retries && job.signal?.aborted !== true && isRetriable(error)
      ? retryDelay(job.attempt, settings, error)
      : undefined
    if (delay !== undefined) {
      job.attempt++
      this._stats.retries++
      if (hooks && hooks.hasListeners('task:retry')) hooks.emit('task:retry', { pool: this.name, id: job.id, attempt: job.attempt, delay, error })
      this._backingOff++
      // not unref'd: the caller is awaiting this task, so the backoff must keep the process alive
      // (an unref'd timer let a script exit in the middle of its awaited run(), code 13 or 0)
      job.timer = setTimeout(() => {
        job.timer = undefined
        this._backingOff--
        if (job.group?.cancelled) {
          // its stopOnError map stopped while it waited: not run again (as a queued item)
          this._stats.cancelled++
          settled(job, false, CANCELLED)
          this._checkIdle()
          return
        }
        if (this._active < this._limit) {
          this._active++
          this._start(this._lane(), job, undefined)
        } else {
          this._queue.unshift(job, undefined)
        }
      }, delay)
      return
    }
    if (aborted) this._stats.cancelled++
    else this._stats.failed++
    job.group?.fail(error)
    if (hooks && hooks.hasListeners('task:error')) hooks.emit('task:error', { pool: this.name, id: job.id, attempt: job.attempt, duration, error })
    settled(job, false, error)
  }
}
