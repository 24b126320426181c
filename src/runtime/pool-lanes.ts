/**
 * A pool's slots, its queue and the lanes that run its entries: an entry starts in a lane when a slot
 * is free (the limit is `_limit`), else waits in the queue; a lane that finishes takes the next
 * entry, or is kept for reuse. What running an entry means (a job's timing, hooks, timeout, retries)
 * is the Pool's: `_plain`, `_begin`, `_succeeded` and `_failedIn`.
 */
import { PairQueue } from './pool-queue.js'
import { asPromise, CANCELLED, neverAborted, newJob, settled } from './pool-job.js'
import type { Job, Lane, Settle, Slot, TaskFn } from './pool-job.js'

/** Idle lanes kept for reuse (a pool that is rarely saturated starts a lane per task). */
const FREE_LANES = 64

export abstract class PoolLanes {
  protected readonly _queue = new PairQueue<Slot>()
  protected _active = 0
  private readonly _free: Lane[] = []
  protected _idle: (() => void)[] = []
  protected _backingOff = 0
  /** The number of slots: set by the Pool's constructor, then by an adaptive limit. */
  protected _limit!: number

  // what running an entry means: the Pool's (pool.ts)
  protected abstract _plain(): boolean
  protected abstract _begin(job: Job): unknown
  protected abstract _succeeded(lane: Lane, value: unknown): void
  protected abstract _failedIn(lane: Lane, error: unknown): void

  /** A direct task's slot: to the next queued entry (in a lane), or released. */
  protected _release(): void {
    if (this._next()) this._start(this._lane(), this._nextA, this._nextB)
  }

  protected _lane(): Lane {
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

  /**
   * Runs the entry (a, b) in the lane, then the next queued ones while their results are synchronous.
   * An asynchronous result gets the lane's handlers, which continue from there.
   * The caller has already counted the slot in `_active`.
   */
  protected _start(lane: Lane, a: Slot, b: Slot): void {
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

  /** After an asynchronous result: the lane runs the next queued entry, or is released. */
  private _continue(lane: Lane): void {
    if (this._take(lane)) this._start(lane, this._nextA, this._nextB)
  }

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

  /** Nothing running, queued or waiting to be retried: onIdle() resolves. */
  protected _checkIdle(): void {
    if (this._active === 0 && this._queue.size === 0 && this._backingOff === 0 && this._idle.length > 0) {
      for (const resolve of this._idle.splice(0)) resolve()
    }
  }

  /** Start lanes for queued entries while there are free slots (after a retry or a higher adaptive limit). */
  protected _fill(): void {
    while (this._active < this._limit && this._dequeue()) {
      this._active++
      this._start(this._lane(), this._nextA, this._nextB)
    }
  }
}
