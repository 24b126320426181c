/**
 * Concurrency pools: bounded, ordered `map`, per-task timeout with AbortSignal, retries with
 * exponential backoff and full jitter, and an 'adaptive' limit tuned by AIMD on throughput and latency.
 *
 * The hot path (a run() in a pool with no timeout, no hook listener, fixed concurrency): a queued task
 * is two slots of a chunked FIFO (its fn and its promise's resolve: no job record, no closure), and a
 * slot (a Lane, reused) runs it with one `.then(lane.ok, lane.err)`; a run() that finds a free slot
 * returns its result's `.then` directly. AbortController, job records, timing and hooks only when a
 * feature needs them. Why this is the floor: bench/results/pool.md ("Where the time goes").
 */
import { availableParallelism } from 'node:os'
import type { ResolvedPoolConfig } from '../config/types.js'
import type { PoolManager, RuntimeContext } from './_internal.js'
import type { PerfPool, PoolMapOptions, PoolStats } from './types.js'
import { AdaptiveLimit } from './pool-adaptive.js'
import { PairQueue } from './pool-queue.js'
import { asPromise, callJob, callTimed, CANCELLED, neverAborted, newJob, newMapRun, noop, settled, taskId } from './pool-job.js'
import type { Job, Lane, MapRun, Settle, Slot, TaskFn } from './pool-job.js'

/** Idle lanes kept for reuse (a pool that is rarely saturated starts a lane per task). */
const FREE_LANES = 64

export class Pool implements PerfPool {
  private readonly _queue = new PairQueue<Slot>()
  private _active = 0
  private readonly _free: Lane[] = []
  private _idle: (() => void)[] = []
  private _backingOff = 0
  private readonly _adaptive: AdaptiveLimit | undefined
  private _limit: number
  private readonly _stats = { completed: 0, failed: 0, retries: 0, timeouts: 0 }

  constructor(readonly name: string, private readonly _options: ResolvedPoolConfig, private readonly _ctx: RuntimeContext | undefined) {
    if (_options.concurrency === 'adaptive') {
      this._adaptive = new AdaptiveLimit(availableParallelism(), 1, Math.max(4, availableParallelism() * 4))
      this._limit = this._adaptive.limit
    } else {
      this._limit = Math.max(1, _options.concurrency)
    }
  }

  get active(): number { return this._active }
  get queued(): number { return this._queue.size }
  get concurrency(): number { return this._limit }

  run<T>(fn: TaskFn<T>): Promise<T> {
    if (this._active < this._limit && this._options.retries === 0 && this._plain()) return this._direct(fn) as Promise<T>
    this._pending = fn as TaskFn<unknown>
    return new Promise(this._executor) as Promise<T>
  }

  map<I, T>(items: Iterable<I>, fn: (item: I, index: number, signal: AbortSignal) => Promise<T> | T, options: PoolMapOptions = {}): Promise<T[]> {
    const list = Array.isArray(items) ? (items as I[]) : Array.from(items)
    if (list.length === 0) return Promise.resolve([])
    return new Promise<T[]>((resolve, reject) => {
      const run = newMapRun(list, fn as MapRun['fn'], options.stopOnError === true, this.name, resolve as (results: unknown[]) => void, reject)
      const group = run.group
      for (let i = 0; i < list.length; i++) {
        const job: Job = { fn: noop, settle: noop, attempt: 0, id: taskId(), group, started: 0, map: run, index: i }
        if (group?.cancelled) {
          settled(job, false, CANCELLED)
          continue
        }
        if (this._active < this._limit) {
          this._active++
          this._start(this._lane(), job, undefined)
        } else {
          this._queue.push(job, undefined)
        }
      }
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

  /** A direct task's slot: to the next queued entry (in a lane), or released. */
  private _release(): void {
    if (this._next()) this._start(this._lane(), this._nextA, this._nextB)
  }

  private _lane(): Lane {
    const idle = this._free.pop()
    if (idle !== undefined) return idle
    const lane: Lane = {
      fn: undefined, settle: undefined, job: undefined,
      ok: (value: unknown) => {
        this._succeeded(lane, value)
        this._continue(lane)
      },
      err: (error: unknown) => {
        this._failedIn(lane, error)
        this._continue(lane)
      },
    }
    return lane
  }

  /** No timeout, no task hook listened to, a fixed limit: a run() needs no job record. */
  private _plain(): boolean {
    const hooks = this._ctx?.hooks
    return this._options.timeout === false && this._adaptive === undefined &&
      (hooks === undefined || !(hooks.hasListeners('task:start') || hooks.hasListeners('task:end') || hooks.hasListeners('task:error')))
  }

  /**
   * Runs the entry (a, b) in the lane, then the next queued ones while their results are synchronous.
   * An asynchronous result gets the lane's handlers, which continue from there.
   * The caller has already counted the slot in `_active`.
   */
  private _start(lane: Lane, a: Slot, b: Slot): void {
    for (;;) {
      this._nextA = this._nextB = undefined // a finished pool must not keep its last task's resolve (and value)
      let result: unknown
      try {
        if (typeof a === 'function' && this._plain()) {
          lane.fn = a as TaskFn<unknown>
          lane.settle = b as Settle
          result = lane.fn(neverAborted())
        } else {
          const job = typeof a === 'function' ? newJob(a as TaskFn<unknown>, b as Settle) : (a as Job)
          lane.job = job
          result = this._begin(job)
        }
      } catch (error) {
        this._failedIn(lane, error)
        if (!this._take(lane)) return
        a = this._nextA; b = this._nextB
        continue
      }
      const promise = asPromise(result)
      if (promise !== undefined) {
        void promise.then(lane.ok, lane.err)
        return
      }
      this._succeeded(lane, result)
      if (!this._take(lane)) return
      a = this._nextA; b = this._nextB
    }
  }

  /** Starts a job: timing when needed, task:start, the timeout. */
  private _begin(job: Job): unknown {
    const hooks = this._ctx?.hooks
    const timed = this._adaptive !== undefined || (hooks !== undefined && (hooks.hasListeners('task:end') || hooks.hasListeners('task:error')))
    job.started = timed ? performance.now() : 0
    if (hooks && hooks.hasListeners('task:start')) hooks.emit('task:start', { pool: this.name, id: job.id, attempt: job.attempt })
    const timeout = this._options.timeout
    return timeout === false ? callJob(job, neverAborted()) : callTimed(job, timeout, this.name, this._onTimeout)
  }

  private _succeeded(lane: Lane, value: unknown): void {
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
      if (this._adaptive) this._setLimit(this._adaptive.record(duration, false))
      const hooks = this._ctx?.hooks
      if (hooks && hooks.hasListeners('task:end')) hooks.emit('task:end', { pool: this.name, id: job.id, attempt: job.attempt, duration })
    }
    settled(job, true, value)
  }

  private _failedIn(lane: Lane, error: unknown): void {
    const job = lane.job ?? newJob(lane.fn!, lane.settle!)
    lane.job = lane.fn = lane.settle = undefined
    this._failed(job, error)
  }

  /** After an asynchronous result: the lane runs the next queued entry, or is released. */
  private _continue(lane: Lane): void {
    if (this._take(lane)) this._start(lane, this._nextA, this._nextB)
  }

  private readonly _onTimeout = (): void => { this._stats.timeouts++ }

  /** The entry `_dequeue()` took, read back by the caller (two values, no pair object). */
  private _nextA: Slot = undefined
  private _nextB: Slot = undefined

  /** Dequeues one entry into `_nextA`/`_nextB`; false when the queue is empty. */
  private _dequeue(): boolean {
    const queue = this._queue
    while (queue.shift()) {
      const a = queue.a, b = queue.b
      queue.a = queue.b = undefined
      if (typeof a !== 'function' && (a as Job).group?.cancelled) {
        settled(a as Job, false, CANCELLED)
        continue
      }
      this._nextA = a
      this._nextB = b
      return true
    }
    return false
  }

  /** The next entry for a lane that just finished one (in `_nextA`/`_nextB`), or false: the slot and the lane are released. */
  private _take(lane: Lane): boolean {
    if (this._next()) return true
    if (this._free.length < FREE_LANES) this._free.push(lane)
    return false
  }

  /** The next entry for a slot whose task just finished (in `_nextA`/`_nextB`), or false: the slot is released. */
  private _next(): boolean {
    if (this._active <= this._limit && this._dequeue()) return true
    this._active--
    if (this._active === 0 && this._queue.size === 0 && this._backingOff === 0 && this._idle.length > 0) {
      for (const resolve of this._idle.splice(0)) resolve()
    }
    return false
  }

  /** Start lanes for queued entries while there are free slots (after a retry or a higher adaptive limit). */
  private _fill(): void {
    while (this._active < this._limit && this._dequeue()) {
      this._active++
      this._start(this._lane(), this._nextA, this._nextB)
    }
  }

  private _setLimit(limit: number): void {
    const grew = limit > this._limit
    this._limit = limit
    if (grew) this._fill()
  }

  private _failed(job: Job, error: unknown): void {
    const hooks = this._ctx?.hooks
    const duration = job.started === 0 ? 0 : performance.now() - job.started
    if (this._adaptive) this._setLimit(this._adaptive.record(duration, true))
    const cancelled = job.group?.cancelled === true
    if (!cancelled && job.attempt < this._options.retries) {
      const delay = backoffDelay(job.attempt, this._options.backoff, this._options.maxBackoff)
      job.attempt++
      this._stats.retries++
      if (hooks && hooks.hasListeners('task:retry')) hooks.emit('task:retry', { pool: this.name, id: job.id, attempt: job.attempt, delay, error })
      this._backingOff++
      // not unref'd: the caller is awaiting this task, so the backoff must keep the process alive
      // (an unref'd timer let a script exit in the middle of its awaited run(), code 13 or 0)
      setTimeout(() => {
        this._backingOff--
        if (this._active < this._limit) {
          this._active++
          this._start(this._lane(), job, undefined)
        } else {
          this._queue.unshift(job, undefined)
        }
      }, delay)
      return
    }
    this._stats.failed++
    job.group?.fail(error)
    if (hooks && hooks.hasListeners('task:error')) hooks.emit('task:error', { pool: this.name, id: job.id, attempt: job.attempt, duration, error })
    settled(job, false, error)
  }
}

/** Exponential backoff with full jitter: uniform in [0, min(maxBackoff, backoff × 2^attempt)], whole ms. */
export function backoffDelay(attempt: number, backoff: number, maxBackoff: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxBackoff, backoff * 2 ** attempt))
}

export function createPoolManager(ctx: RuntimeContext): PoolManager {
  const pools = new Map<string, Pool>()
  const { concurrency } = ctx.config
  const defaults: ResolvedPoolConfig = { concurrency: concurrency.default, timeout: false, retries: 0, backoff: 100, maxBackoff: 10_000 }
  return {
    pool(name = 'default') {
      let pool = pools.get(name)
      if (!pool) pools.set(name, (pool = new Pool(name, concurrency.pools[name] ?? defaults, ctx)))
      return pool
    },
    stats: () => [...pools.values()].map(p => p.stats()),
  }
}
