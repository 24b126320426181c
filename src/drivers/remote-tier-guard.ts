/**
 * Guards a remote tier (Redis, an unstorage driver other than memory and lru-cache): every call is
 * bounded by `cache.timeout`; a tier that errors or times out is marked down and skipped; after a
 * backoff (1 s doubling to 30 s) a probe in the background finds out whether it is back, so a dead or
 * frozen Redis never hangs the CLI, and costs a long run one timeout, not one per backoff. Imported
 * with the first remote tier (tier-guard.ts guardTiers): a memory + fs cache never reads it.
 */
import { PerfError, TimeoutError } from '../errors.js'
import { formatDuration } from '../config/units.js'
import { CallDeadlines } from './call-deadlines.js'
import { isCommandFault } from './redis-failures.js'
import { markRedisDown, markRedisUp } from './redis-health.js'
import { incidentOver, isTimeout, reasonOf, tellWithIncident, TierGuard, type OnDown } from './tier-guard.js'
import { blameTimeout, judgedWithin } from './timeout-blame.js'
import type { Tier } from './types.js'

/**
 * Per-tier health for remote tiers. Every call is bounded by the timeout without a timer of its own
 * (call-deadlines.ts: one timer for all the calls in flight, ref'd only while there are some).
 */
export class RemoteTierGuard extends TierGuard {
  private _downUntil = 0
  private _failures = 0
  /** The shared health's "down" (another process found it) was reported once. */
  private _toldShared = false
  /** The first call of a process also covers connecting: it gets at least 1 s. */
  private _connected = false
  /**
   * Calls in flight and their deadlines: a late one is rejected with a TimeoutError and counts as a
   * failure; one whose connection is still moving a large value is not late yet (call-deadlines.ts).
   */
  private readonly _deadlines: CallDeadlines
  /** What the tier was last reported down for (reasonOf): a probe failing for another reason is reported too. */
  private _reportedAs = ''
  /** A probe of whether the tier is back is in flight (see _probe). */
  private _probing = false
  /**
   * An incident is under way: the tier was told down and has not answered since. One incident is
   * told once (`_onDown`: one `cache:error`, one warning), however many calls fail in it.
   */
  private _incident = false

  constructor(tier: Tier, private readonly _timeout: number, private readonly _onDown: OnDown) {
    super(tier)
    this._deadlines = new CallDeadlines((p, fired, due) => {
      // this process too slow to hear the tier (starved of CPU) is no news for the machine's other processes (timeout-blame.ts)
      const error = blameTimeout(tier, new TimeoutError(`${this.tier.kind} cache tier`, p.limit), { start: p.start, due, fired, limit: p.limit, timeout: _timeout })
      this._failed(error)
      p.reject(error)
    }, tier)
  }

  override get up(): boolean {
    // 0: never down, or answered since (no clock read on the hot path); the connection's shared
    // health: found down by another namespace, the history driver or another process
    const shared = this.tier.health
    if (this._downUntil === 0 && (shared === undefined || shared.downUntil === 0)) return true
    const now = Date.now()
    if (now < this._downUntil) return false
    if (shared !== undefined && now < shared.downUntil) {
      // found down by another process (its marker): said once, as this guard's own failure would be
      if (!this._toldShared && !shared.failedHere) {
        this._toldShared = this._incident = true
        this._onDown(this.tier, new PerfError('E_REMOTE_DOWN', `found down by another unperf process of this machine (${shared.reason || 'no reason given'}); not tried again for ${formatDuration(shared.downUntil - now)}`))
      }
      return false
    }
    // the backoff is over: a probe in the background finds out whether it is back; callers go on
    // with the other tiers meanwhile (a cache call let through instead waited the whole timeout of
    // a Redis still frozen, once per backoff for a long run)
    if (this.tier.probe !== undefined) {
      this._probe()
      return false
    }
    this._downUntil = 0
    if (shared !== undefined) shared.downUntil = 0
    return true
  }

  /** Runs op bounded by the timeout; errors and timeouts mark the tier down. */
  override call<T>(op: (tier: Tier) => Promise<T>): Promise<T> {
    const call = this._bounded(op)
    const health = this.tier.health
    if (health !== undefined && health.firstCall === undefined) health.firstCall = call.then(() => {}, () => {})
    return call
  }

  /** A call failed: always told (its incidents are this guard's to tell: toldByGuard). */
  override failed(): boolean {
    return true
  }

  // --- internal ---

  private _bounded<T>(op: (tier: Tier) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const limit = this._connected ? this._timeout : Math.max(this._timeout, 1000)
      const p = this._deadlines.add(limit, reject)
      let run: Promise<T>
      try {
        run = op(this.tier)
      } catch (error) {
        run = Promise.reject(error)
      }
      run.then(
        value => {
          if (p.done) return
          this._deadlines.settle(p)
          this._answered()
          resolve(value)
        },
        (error: unknown) => {
          if (p.done) return
          this._deadlines.settle(p)
          this._failed(error)
          reject(error)
        },
      )
    })
  }

  private _failed(error: unknown): void {
    // a corrupt entry, or a value the tier cannot store (json-loss.ts: the caller's, on any remote tier), is no failure of the tier
    const code = (error as { code?: string } | null)?.code
    if (code === 'E_CORRUPT' || code === 'E_VALUE' || isCommandFault(this.tier, error)) return
    this._backOff(error)
    tellWithIncident(error)
    // the calls in flight when it went down fail together: the first tells the incident
    if (!this._incident || reasonOf(this.tier.explain?.(error) ?? error) !== this._reportedAs) this._report(error)
  }

  private _report(error: unknown): void {
    this._incident = true
    this._reportedAs = reasonOf(this.tier.explain?.(error) ?? error)
    this._onDown(this.tier, error)
  }

  private _backOff(error: unknown): void {
    if (this.tier.health !== undefined) {
      // a call that timed out in the client's queue while it reconnects after a failure it knows (a
      // refused AUTH, a refused connect): marked as that failure, not as a Redis that hangs (which the
      // machine's other processes would be told to skip). A timeout still, marked with why when the
      // connection says (a TLS handshake that did not finish: a rediss:// url on a plain port), for
      // the history driver and the other processes that skip it on the strength of that reason; and
      // ioredis' generic 'max retries per request' one as the connection's own (its reason said
      // 'Reached the max retries per request limit …' where the warning said 'connect ECONNREFUSED …')
      const generic = (error as { name?: unknown } | null)?.name === 'MaxRetriesPerRequestError' || (error as { message?: unknown } | null)?.message === 'Connection is closed.'
      const explained = isTimeout(error) || generic ? this.tier.explain?.(error) ?? error : error
      markRedisDown(this.tier.health, explained)
    }
    // one incident (many calls in flight failing together) backs off once, not once per call
    if (Date.now() >= this._downUntil) {
      this._failures++
      this._downUntil = Date.now() + Math.min(30_000, 1000 * 2 ** Math.min(this._failures - 1, 5))
    }
  }

  /** A reply: the tier is up. */
  private _answered(): void {
    if (this._incident) {
      // the incident is over: the next failure is a new one, told again
      this._incident = this._toldShared = false
      // (a Redis tier's count is its connection's: markRedisUp, below)
      if (this.tier.health === undefined) incidentOver(this.tier)
    }
    this._failures = 0
    this._downUntil = 0
    this._connected = true
    if (this.tier.health !== undefined) markRedisUp(this.tier.health)
  }

  /**
   * One probe at a time (per connection: shared with the other guards on it through its health),
   * bounded like a call but by an unref'd timer: nothing waits for it, so it never keeps a CLI
   * alive. A reply, even a refusal of the command (an ACL without PING), says it is up; a failure
   * backs off again, unreported (the tier was reported down once already).
   */
  private _probe(): void {
    if (this._probing) return
    this._probing = true
    const shared = this.tier.health
    let probe = shared?.probing
    if (probe === undefined) {
      // the calls' own bound: a Redis that answers, but slower than that, stays down (a probe with a
      // longer bound brought it back, and the next caller waited its timeout, every backoff). The
      // first call's 1 s only while the connection is still being made: a ready one whose first call
      // timed out (a link slower than the timeout) came back on a 400 ms PING, a second incident
      const connecting = !this._connected && this.tier.connected?.() !== true
      probe = probeWithin(this.tier, connecting ? Math.max(this._timeout, 1000) : this._timeout, this._timeout)
      if (shared !== undefined) {
        const mine = (shared.probing = probe)
        mine.then(() => {}, () => {}).finally(() => { if (shared.probing === mine) shared.probing = undefined })
      }
    }
    probe.then(
      () => { this._probing = false; this._answered() },
      (error: unknown) => {
        this._probing = false
        if (isCommandFault(this.tier, error)) return this._answered()
        this._backOff(error)
        // down for another reason than the one reported (closed, then its AUTH refused: a rotated
        // password): said, or the run would only ever know the first
        if (reasonOf(this.tier.explain?.(error) ?? error) !== this._reportedAs) this._report(error)
      },
    )
  }

}


/**
 * The tier's probe, rejected with a TimeoutError after `ms` (an unref'd timer: see TierGuard._probe),
 * judged as a call's (timeout-blame.ts; `timeout`: the tier's).
 */
function probeWithin(tier: Tier, ms: number, timeout: number): Promise<void> {
  return judgedWithin(tier, tier.probe!().then(() => {}), ms, timeout, () => new TimeoutError(`${tier.kind} cache tier`, ms), true)
}
