/**
 * A pool's outside AbortSignals: the tasks of run(fn, { signal }) and map(items, fn, { signal }),
 * tracked per signal with one 'abort' listener per signal and pool, however many tasks share it.
 * An abort ends each task not settled yet: a queued one is taken out of the queue (it never runs),
 * one waiting for a retry is not retried, a running one rejects at once (its slot is freed).
 * Submitting a job and counting a cancellation are the Pool's (pool.ts).
 */
import { PoolLanes } from './pool-lanes.js'
import { newJob, settled, signalError } from './pool-job.js'
import type { Job, Settle, TaskFn } from './pool-job.js'
import type { TaskSettings } from './pool-options.js'

export abstract class PoolSignals extends PoolLanes {
  abstract readonly name: string
  /** The pool's counters: an aborted task waiting for its retry counts as cancelled. */
  protected abstract readonly _stats: { cancelled: number }
  /** A job to a free slot, else to the queue. */
  protected abstract _submit(job: Job): void

  /** The tasks of each outside signal not settled yet, and its one listener. */
  private _signalled: Map<AbortSignal, { jobs: Set<Job>; listener: () => void }> | undefined

  /**
   * run(fn, { signal }), as p-queue's add(fn, { signal }): an aborted signal rejects the task with
   * its reason; a queued task is taken out of the queue (it never runs), one waiting for a retry
   * is not retried, a running one rejects at once (its slot is freed) and its fn, which gets the
   * signal, can stop. One 'abort' listener per signal and pool, however many tasks share it.
   */
  protected _runSignalled(fn: TaskFn<unknown>, signal: AbortSignal, group: Job['group'], settings: TaskSettings | undefined): Promise<unknown> {
    // not an AbortSignal: its listener could not be added (nor removed: an uncaught TypeError later)
    const invalid = signalError(signal, `pool '${this.name}': run(fn, { signal })`)
    if (invalid !== undefined) return Promise.reject(invalid)
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve: Settle) => {
      const job = newJob(fn, (value) => {
        this._untrack(job)
        resolve(value)
      }, settings)
      job.signal = signal
      job.group = group
      this._track(job, signal)
      this._submit(job)
    })
  }

  protected _track(job: Job, signal: AbortSignal): void {
    const bySignal = (this._signalled ??= new Map())
    let entry = bySignal.get(signal)
    if (entry === undefined) {
      entry = { jobs: new Set(), listener: () => this._aborted(signal) }
      bySignal.set(signal, entry)
      signal.addEventListener('abort', entry.listener, { once: true })
    }
    entry.jobs.add(job)
  }

  protected _untrack(job: Job): void {
    const signal = job.signal!
    const entry = this._signalled?.get(signal)
    if (entry === undefined || !entry.jobs.delete(job) || entry.jobs.size > 0) return
    signal.removeEventListener('abort', entry.listener)
    this._signalled!.delete(signal)
  }

  private _aborted(signal: AbortSignal): void {
    const entry = this._signalled?.get(signal)
    if (entry === undefined) return
    this._signalled!.delete(signal)
    const reason = signal.reason
    for (const job of entry.jobs) {
      if (job.onAbort !== undefined) {
        // running: it rejects now, the lane records the failure (not retried) and frees the slot
        job.onAbort(reason)
      } else if (job.timer !== undefined) {
        // it ran and failed, and waits for its retry: it ends as cancelled, not retried
        clearTimeout(job.timer)
        job.timer = undefined
        this._backingOff--
        this._stats.cancelled++
        settled(job, false, reason)
      } else if (this._queue.remove(job)) {
        settled(job, false, reason)
      }
    }
    entry.jobs.clear()
    this._checkIdle()
  }
}
