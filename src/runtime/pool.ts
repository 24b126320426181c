/**
 * Concurrency pools: bounded, ordered `map`, per-task timeout with AbortSignal, retries with
 * exponential backoff and full jitter, and an 'adaptive' limit tuned by AIMD on throughput and latency.
 *
 * The hot path allocates one job object and one promise per task: an array queue with a head index,
 * no AbortController unless a timeout is set or fn takes the signal, hooks only when listened to.
 */
import { availableParallelism } from 'node:os'
import { TimeoutError } from '../errors.js'
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
}

const NEVER_ABORTED = new AbortController().signal
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
    return this._submit(fn as TaskFn<unknown>, undefined) as Promise<T>
  }

  async map<I, T>(items: Iterable<I>, fn: (item: I, index: number, signal: AbortSignal) => Promise<T> | T, options: PoolMapOptions = {}): Promise<T[]> {
    const list = Array.isArray(items) ? (items as I[]) : Array.from(items)
    const results = new Array<T>(list.length)
    if (options.stopOnError) {
      const controller = new AbortController()
      let firstError: unknown
      const group = {
        cancelled: false,
        fail(error: unknown) {
          if (group.cancelled) return
          group.cancelled = true
          firstError = error
          controller.abort(error)
        },
      }
      const all = list.map((item, i) => this._submit(signal => {
        const combined = signal === NEVER_ABORTED ? controller.signal : AbortSignal.any([signal, controller.signal])
        return fn(item, i, combined)
      }, group).then(
        value => { results[i] = value as T },
        error => group.fail(error),
      ))
      await Promise.all(all)
      if (group.cancelled) throw firstError
      return results
    }
    const errors: unknown[] = []
    await Promise.all(list.map((item, i) => this._submit(signal => fn(item, i, signal), undefined).then(
      value => { results[i] = value as T },
      error => { errors.push(error) },
    )))
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, `[unperf] ${errors.length} of ${list.length} tasks failed in pool '${this.name}'`)
    return results
  }

  stats(): PoolStats {
    return { name: this.name, concurrency: this._limit, adaptive: this._adaptive !== undefined, active: this._active, queued: this.queued, ...this._stats }
  }

  onIdle(): Promise<void> {
    if (this._active === 0 && this.queued === 0 && this._backingOff === 0) return Promise.resolve()
    return new Promise(resolve => this._idle.push(resolve))
  }

  // --- internal ---

  private _submit(fn: TaskFn<unknown>, group: Job['group']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { fn, resolve, reject, attempt: 0, id: nextId++, group, started: 0 }
      if (this._active < this._limit) this._start(job)
      else this._queue.push(job)
    })
  }

  private _start(job: Job): void {
    this._active++
    job.started = performance.now()
    const hooks = this._ctx?.hooks
    if (hooks && hooks.hasListeners('task:start')) hooks.emit('task:start', { pool: this.name, id: job.id, attempt: job.attempt })
    const timeout = this._options.timeout
    let result: unknown
    if (timeout === false) {
      try {
        result = job.fn(NEVER_ABORTED)
      } catch (error) {
        this._failed(job, error)
        return
      }
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        ;(result as PromiseLike<unknown>).then(value => this._done(job, value), error => this._failed(job, error))
      } else {
        // synchronous result: settle on a microtask so callers can't observe re-entrancy
        queueMicrotask(() => this._done(job, result))
      }
      return
    }
    const controller = new AbortController()
    let settled = false
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      const error = new TimeoutError(`task ${job.id} in pool '${this.name}'`, timeout)
      this._stats.timeouts++
      controller.abort(error)
      this._failed(job, error)
    }, timeout)
    timer.unref()
    Promise.resolve().then(() => job.fn(controller.signal)).then(
      value => { if (!settled) { settled = true; clearTimeout(timer); this._done(job, value) } },
      error => { if (!settled) { settled = true; clearTimeout(timer); this._failed(job, error) } },
    )
  }

  private _done(job: Job, value: unknown): void {
    this._active--
    this._stats.completed++
    const duration = performance.now() - job.started
    if (this._adaptive) this._limit = this._adaptive.record(duration, false)
    const hooks = this._ctx?.hooks
    if (hooks && hooks.hasListeners('task:end')) hooks.emit('task:end', { pool: this.name, id: job.id, attempt: job.attempt, duration })
    job.resolve(value)
    this._next()
  }

  private _failed(job: Job, error: unknown): void {
    this._active--
    const duration = performance.now() - job.started
    if (this._adaptive) this._limit = this._adaptive.record(duration, true)
    const hooks = this._ctx?.hooks
    const cancelled = job.group?.cancelled === true
    if (!cancelled && job.attempt < this._options.retries) {
      const base = Math.min(this._options.maxBackoff, this._options.backoff * 2 ** job.attempt)
      const delay = Math.round(Math.random() * base) // full jitter
      job.attempt++
      this._stats.retries++
      if (hooks && hooks.hasListeners('task:retry')) hooks.emit('task:retry', { pool: this.name, id: job.id, attempt: job.attempt, delay, error })
      this._backingOff++
      setTimeout(() => {
        this._backingOff--
        if (this._active < this._limit) this._start(job)
        else this._queue.splice(this._head, 0, job)
      }, delay).unref()
      this._next()
      return
    }
    this._stats.failed++
    job.group?.fail(error)
    if (hooks && hooks.hasListeners('task:error')) hooks.emit('task:error', { pool: this.name, id: job.id, attempt: job.attempt, duration, error })
    job.reject(error)
    this._next()
  }

  private _next(): void {
    const queue = this._queue
    while (this._active < this._limit && this._head < queue.length) {
      const job = queue[this._head]!
      queue[this._head++] = undefined
      if (job.group?.cancelled) {
        job.reject(new Error('cancelled: an earlier task of this map failed'))
        continue
      }
      this._start(job)
    }
    if (this._head === queue.length) {
      queue.length = 0
      this._head = 0
      if (this._active === 0 && this._backingOff === 0 && this._idle.length > 0) for (const resolve of this._idle.splice(0)) resolve()
    } else if (this._head > 4096 && this._head * 2 > queue.length) {
      queue.splice(0, this._head)
      this._head = 0
    }
  }
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
