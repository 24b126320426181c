/**
 * The clock of a worker task under `concurrency.workers.timeout`: it times the task from the moment
 * a thread takes it (worker-entry.mjs marks `taken` as the task reaches it, before it imports the
 * module), not while a new thread starts. A thread's start (node's worker bootstrap, unperf's entry)
 * took 1–3 s on a loaded machine (2 cores at load 15): the first task of a pool with `timeout: '1s'`
 * timed out before its thread had it, as did the first on each thread started after the idle ones
 * exited. Nor does a deadline win over a reply already sent: its decision waits for the next I/O poll
 * (setImmediate, as the cache's tier guard), so a host that kept its own thread busy past the
 * deadline reads the reply the thread posted in time.
 */

import { MAX_TIMER_MS } from './clock.js'

/** The longest a task waits for a starting thread to take it: past it, the call times out. */
const START_MAX = 60_000

export interface TaskClock {
  /** `[0]`: 0 until the thread takes the task, then 1 (worker-entry.mjs); the bytes after it, when. */
  readonly taken: Int32Array
  /** The task settled: the clock never aborts it. */
  stop(): void
}

/** Aborts `controller` once the task has run `timeout` ms in its thread. */
export function taskClock(controller: AbortController, timeout: number): TaskClock {
  const buffer = new SharedArrayBuffer(16)
  const taken = new Int32Array(buffer, 0, 1)
  /** ms since the epoch (performance.timeOrigin + now(): the same clock in every thread) */
  const takenAt = new Float64Array(buffer, 8, 1)
  const started = now()
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const due = () => {
    timer = undefined
    setImmediate(check)
  }
  const check = (): void => {
    if (stopped) return
    if (Atomics.load(taken, 0) === 0) {
      // the thread is starting: its start is not timed (bounded by START_MAX)
      const left = started + START_MAX - now()
      if (left <= 0) return void controller.abort()
      const wait = (Atomics as unknown as WaitAsync).waitAsync(taken, 0, 0, left)
      if (wait.async) void wait.value.then(check)
      else check()
      return
    }
    const left = takenAt[0]! + timeout - now()
    if (left > 0) timer = setTimeout(due, Math.min(left, MAX_TIMER_MS))
    else controller.abort()
  }
  timer = setTimeout(due, Math.min(timeout, MAX_TIMER_MS)) // '30d': a longer delay would fire after 1 ms
  return {
    taken,
    stop() {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      Atomics.notify(taken, 0) // a wait for the thread's start ends now
    },
  }
}

/** Atomics.waitAsync (node ≥ 16; typed from lib es2024, this package's lib is es2023) */
interface WaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeout: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> }
}

const now = () => performance.timeOrigin + performance.now()
