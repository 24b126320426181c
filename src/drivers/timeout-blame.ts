/**
 * Whose slowness a remote call's timeout shows: the remote's (a Redis frozen, down, black-holed, or
 * slower than `cache.timeout`), or this process's own. A process starved of CPU (a dozen CLIs
 * starting at once on two cores: a deadline timer firing seconds late, the event loop busy, a long
 * wait in the run queue) reads what Redis sent late: its connect, a reply of the handshake. Its
 * timeout says nothing about Redis, and must not tell the machine's other processes to skip it
 * (redis-health.ts's marker): one starved process in a dozen kept every other one off a Redis that
 * answered, for 10 s.
 *
 * Told apart by what the connection waited for, not by how busy the process was (a process on a
 * loaded machine waiting for a frozen Redis shows the same run-queue wait and event-loop use as a
 * starved one waiting for a healthy Redis): a timeout is the remote's when, as the deadline's timer
 * fired, the remote owed the connection an answer (its connect, replies to commands written) and
 * the connection had not moved (redis-progress.ts) for at least `min(cache.timeout, half the call's
 * bound)`. The timer fires before the I/O poll the rejection waits for (call-deadlines.ts): the
 * remote had that long to answer, and this process looked after it and found nothing. Otherwise the
 * connection was waiting on this process (ioredis still loading, a file read of its handshake), or
 * moved shortly before: this process was too slow to give the remote its time.
 */
import { timerDelay } from '../runtime/clock.js'
import type { TimeoutError } from '../errors.js'
import type { Tier } from './types.js'

/** Timeouts that were this process's slowness, not the remote's. */
const OWN = new WeakSet<object>()

/** A timeout this process's slowness caused (see above): not marked down for the machine's other processes. */
export function ownSlowness(error: unknown): boolean {
  return typeof error === 'object' && error !== null && OWN.has(error)
}

/** A timed-out call's times (performance.now() ms) and bounds (ms). */
export interface TimeoutTimes {
  /** When the call began. */
  start: number
  /** When its deadline was due to be checked. */
  due: number
  /** When the deadline's timer fired (before the I/O poll its rejection waited for). */
  fired: number
  /** The call's bound. */
  limit: number
  /** The tier's `cache.timeout`. */
  timeout: number
}

/**
 * `error` (a timeout of a call on `tier`) marked as this process's slowness, its message saying so,
 * when the remote was owed nothing or the connection moved too shortly before the deadline's timer
 * fired (see above); else unchanged. A tier that does not follow its connection (Tier.owedSince) is
 * not judged.
 */
export function blameTimeout<E extends Error>(tier: Tier, error: E, t: TimeoutTimes): E {
  if (tier.owedSince === undefined) return error
  const since = tier.owedSince()
  const quiet = since === undefined ? 0 : t.fired - Math.max(t.start, since)
  if (since !== undefined && quiet >= Math.min(t.timeout, t.limit / 2)) return error
  OWN.add(error)
  const late = Math.round(t.fired - t.due)
  const what = since === undefined ? `${tier.kind} owed it no answer`
    : quiet < 1 ? `its connection to ${tier.kind} moved as the deadline was checked`
      : `its connection to ${tier.kind} last moved ${Math.round(quiet)}ms before the deadline was checked`
  error.message += `: this process was too slow, not ${tier.kind} (${what}${late > 0 ? `, ${late}ms late` : ''}: starved of CPU or its event loop busy); not marked down for the machine's other processes`
  return error
}

/**
 * `p` bounded by `limit` ms, its timeout judged as a call's (blameTimeout; `timeout`: the tier's
 * `cache.timeout`): past the bound, after the next I/O poll, as the deadline sweep
 * (call-deadlines.ts: a reply already in the socket wins), rejected with `error()`. `unref`: the
 * timer does not keep the process up (a probe); a ref'd one does (a call nothing else holds the
 * process up for: the redis socket is unref'd).
 */
export function judgedWithin<T>(tier: Tier, p: Promise<T>, limit: number, timeout: number, error: () => TimeoutError, unref = false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = performance.now()
    const timer = setTimeout(() => {
      const fired = performance.now()
      setImmediate(() => reject(blameTimeout(tier, error(), { start, due: start + limit, fired, limit, timeout })))
    }, timerDelay(limit))
    if (unref) timer.unref()
    p.then(
      value => { clearTimeout(timer); resolve(value) },
      (e: unknown) => { clearTimeout(timer); reject(e) },
    )
  })
}
