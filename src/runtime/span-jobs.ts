/**
 * Tells apart the synchronous runs of JavaScript ("jobs": a timer's or an I/O callback, one promise
 * reaction, one nextTick callback) cheaply enough for the span hot path, without async_hooks: the
 * number `now` changes between a job that called `arm()` and the next one that can resume code it
 * suspended. `arm()` makes sure one microtask and one nextTick callback that bump it are pending;
 * both queues are FIFO, so a continuation the job's code queues after arm() (an `await`, a `.then`,
 * a `process.nextTick`) runs after a bump.
 *
 * What the tracer gets from it: a span whose fn returned a pending promise in this very job has not
 * resumed yet, so a span started now in the same job (the next item of `Promise.all(items.map(i =>
 * perf.span(...)))`) runs beside it, not inside it.
 */
export interface JobClock {
  /** Changes between jobs (see above), once armed. */
  readonly now: number
  /** Makes `now` change before any continuation queued from here on can run. */
  arm(): void
}

const settled = Promise.resolve()

export function createJobClock(): JobClock {
  let now = 0
  let armed = false
  // at most one callback of each kind pending: a long chain of promise reactions (no nextTick runs
  // until it ends) arms once per reaction, and must not pile up nextTick callbacks meanwhile
  let microPending = false
  let tickPending = false
  const bump = (): void => {
    if (!armed) return
    armed = false
    now++
  }
  const microBump = (): void => {
    microPending = false
    bump()
  }
  const tickBump = (): void => {
    tickPending = false
    bump()
  }
  return {
    get now() { return now },
    arm() {
      if (armed) return
      armed = true
      // a callback already pending is ahead of any continuation queued from now on: it bumps (armed)
      if (!microPending) {
        microPending = true
        // a reaction to a settled promise: a microtask, without queueMicrotask()'s AsyncResource
        void settled.then(microBump)
      }
      if (!tickPending) {
        tickPending = true
        process.nextTick(tickBump)
      }
    },
  }
}
