/**
 * Concurrency pools: bounded, ordered `map`, per-task timeout with AbortSignal, retries with
 * exponential backoff and full jitter, and an 'adaptive' limit tuned by AIMD on throughput and latency.
 *
 * The hot path allocates one job object and one promise per task: an array queue with a head index,
 * no AbortController unless a timeout is set or fn takes the signal, hooks only when listened to.
 */
import { availableParallelism } from 'node:os'
import { PerfError, TimeoutError } from '../errors.js'
import type { ResolvedPoolConfig } from '../config/types.js'
import type { PoolManager, RuntimeContext } from './_internal.js'
import type { PerfPool, PoolMapOptions, PoolStats } from './types.js'
import { AdaptiveLimit } from './pool-adaptive.js'

type TaskFn<T> = (signal: AbortSignal) => Promise<T> | T

interface Job {
  fn: TaskFn<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  attempt: number
  id: number
  /** A stopOnError map: the first failure cancels the rest synchronously, before a slot is reused. */
  group: { cancelled: boolean; fail(error: unknown): void } | undefined
  started: number
  /** A map item: the lane calls map.fn(items[index], index, signal) and reports to the map, no promise per item. */
  map: MapRun | undefined
  index: number
}

interface MapRun {
  items: unknown[]
  fn: (item: unknown, index: number, signal: AbortSignal) => unknown
  results: unknown[]
  errors: unknown[]
  remaining: number
  /** aborted on the first failure with stopOnError; the never-aborted signal otherwise */
  signal: AbortSignal
  finish(): void
}

function callJob(job: Job, signal: AbortSignal): unknown {
  const m = job.map
  if (m === undefined) return job.fn(signal)
  const s = m.signal === NEVER_ABORTED ? signal : signal === NEVER_ABORTED ? m.signal : AbortSignal.any([signal, m.signal])
  return m.fn(m.items[job.index], job.index, s)
}

function settled(job: Job, ok: boolean, value: unknown): void {
  const m = job.map
  if (m === undefined) {
    if (ok) job.resolve(value)
    else job.reject(value)
    return
  }
  if (ok) m.results[job.index] = value
  else m.errors.push(value)
  if (--m.remaining === 0) m.finish()
}

const NEVER_ABORTED = new AbortController().signal
const noop = (): void => {}
/** Settles map items never started after a stopOnError failure (the map rejects with the first error). */
const CANCELLED = new PerfError('E_CANCELLED', 'cancelled: an earlier task of this map failed')
let nextId = 1

export class Pool implements PerfPool {
  private readonly _queue: (Job | undefined)[] = []
  private _head = 0
  private _active = 0
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
  get queued(): number { return this._queue.length - this._head }
  get concurrency(): number { return this._limit }

  run<T>(fn: TaskFn<T>): Promise<T> {
    this._pending = fn as TaskFn<unknown>
    return new Promise(this._executor) as Promise<T>
  }

  map<I, T>(items: Iterable<I>, fn: (item: I, index: number, signal: AbortSignal) => Promise<T> | T, options: PoolMapOptions = {}): Promise<T[]> {
    const list = Array.isArray(items) ? (items as I[]) : Array.from(items)
    if (list.length === 0) return Promise.resolve([])
    return new Promise<T[]>((resolve, reject) => {
      let controller: AbortController | undefined
      let firstError: unknown
      const group: Job['group'] = options.stopOnError
        ? {
            cancelled: false,
            fail(error: unknown) {
              if (group!.cancelled) return
              group!.cancelled = true
              firstError = error
              controller!.abort(error)
            },
          }
        : undefined
      if (group) controller = new AbortController()
      const run: MapRun = {
        items: list, fn: fn as MapRun['fn'], results: new Array<T>(list.length), errors: [], remaining: list.length,
        signal: controller ? controller.signal : NEVER_ABORTED,
        finish: () => {
          if (group?.cancelled) reject(firstError)
          else if (run.errors.length === 1) reject(run.errors[0])
          else if (run.errors.length > 1) reject(new AggregateError(run.errors, `[unperf] ${run.errors.length} of ${list.length} tasks failed in pool '${this.name}'`))
          else resolve(run.results as T[])
        },
      }
      for (let i = 0; i < list.length; i++) {
        const job: Job = { fn: noop, resolve: noop, reject: noop, attempt: 0, id: nextId++, group, started: 0, map: run, index: i }
        if (group?.cancelled) {
          settled(job, false, CANCELLED)
          continue
        }
        if (this._active < this._limit) {
          this._active++
          void this._lane(job)
        } else {
          this._queue.push(job)
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
  private readonly _executor = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
    const job: Job = { fn: this._pending!, resolve, reject, attempt: 0, id: nextId++, group: undefined, started: 0, map: undefined, index: 0 }
    this._pending = undefined
    if (this._active < this._limit) {
      this._active++
      void this._lane(job)
    } else {
      this._queue.push(job)
    }
  }

  /**
   * One slot: runs jobs back to back until the queue is empty (or the limit shrank). An `await` in a
   * loop costs no closure and no derived promise per task, unlike `.then(onOk, onErr)`.
   * The caller has already counted the slot in `_active`.
   */
  private async _lane(first: Job): Promise<void> {
    let job: Job | undefined = first
    const hooks = this._ctx?.hooks
    const timeout = this._options.timeout
    while (job !== undefined) {
      const timed = this._adaptive !== undefined || (hooks !== undefined && (hooks.hasListeners('task:end') || hooks.hasListeners('task:error')))
      job.started = timed ? performance.now() : 0
      if (hooks && hooks.hasListeners('task:start')) hooks.emit('task:start', { pool: this.name, id: job.id, attempt: job.attempt })
      let value: unknown
      try {
        value = timeout === false ? await callJob(job, NEVER_ABORTED) : await this._timed(job, timeout)
      } catch (error) {
        this._failed(job, error)
        job = this._take()
        continue
      }
      this._stats.completed++
      if (timed) {
        const duration = performance.now() - job.started
        if (this._adaptive) this._setLimit(this._adaptive.record(duration, false))
        if (hooks && hooks.hasListeners('task:end')) hooks.emit('task:end', { pool: this.name, id: job.id, attempt: job.attempt, duration })
      }
      settled(job, true, value)
      job = this._take()
    }
  }

  /** fn with an AbortController and a timer: on timeout the signal aborts and the slot is freed. */
  private _timed(job: Job, timeout: number): Promise<unknown> {
    const controller = new AbortController()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new TimeoutError(`task ${job.id} in pool '${this.name}'`, timeout)
        this._stats.timeouts++
        controller.abort(error)
        reject(error)
      }, timeout)
      timer.unref()
      Promise.resolve().then(() => callJob(job, controller.signal)).then(
        value => { clearTimeout(timer); resolve(value) },
        error => { clearTimeout(timer); reject(error) },
      )
    })
  }

  /** The next job for a lane that just finished one, or undefined (and the slot is released). */
  private _take(): Job | undefined {
    const queue = this._queue
    while (this._active <= this._limit && this._head < queue.length) {
      const job = queue[this._head]!
      queue[this._head++] = undefined
      if (this._head === queue.length) {
        queue.length = 0
        this._head = 0
      } else if (this._head > 4096 && this._head * 2 > queue.length) {
        queue.splice(0, this._head)
        this._head = 0
      }
      if (job.group?.cancelled) {
        settled(job, false, CANCELLED)
        continue
      }
      return job
    }
    this._active--
    if (this._active === 0 && this._head === queue.length && this._backingOff === 0 && this._idle.length > 0) {
      for (const resolve of this._idle.splice(0)) resolve()
    }
    return undefined
  }

  /** Start lanes for queued jobs while there are free slots (after a retry or a higher adaptive limit). */
  private _fill(): void {
    const queue = this._queue
    while (this._active < this._limit && this._head < queue.length) {
      const job = queue[this._head]!
      queue[this._head++] = undefined
      if (this._head === queue.length) { queue.length = 0; this._head = 0 }
      if (job.group?.cancelled) {
        settled(job, false, CANCELLED)
        continue
      }
      this._active++
      void this._lane(job)
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
      setTimeout(() => {
        this._backingOff--
        if (this._active < this._limit) {
          this._active++
          void this._lane(job)
        } else {
          this._queue.splice(this._head, 0, job)
        }
      }, delay).unref()
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
