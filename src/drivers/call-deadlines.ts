/**
 * The deadlines of a remote tier's calls in flight (tier-guard.ts bounds every call by `cache.timeout`),
 * kept without a timer per call: the calls sit in a linked list (no Set: hashing a fresh object per
 * call cost more than the rest of the bookkeeping), and one timer, armed for the earliest deadline,
 * hands the late ones to the guard and re-arms for the next (100 calls in flight cost one timer, not
 * 100 setTimeout + Promise.race). The timer is ref'd only while calls are in flight: the remote
 * client's socket is unref'd (an idle connection must not keep a CLI alive), so it is what keeps the
 * process up while a call waits, at most its limit (10× while the host's own work keeps the event
 * loop busy; longer while the tier's connection is still moving a large value, see _moving).
 */
import type { EventLoopUtilization } from 'node:perf_hooks'
import { timerDelay } from '../runtime/clock.js'
import { TRANSFER_FLOOR, type Tier } from './types.js'

/** A call in flight on a remote tier: settled by its result or by the deadline sweep. */
export interface Pending {
  /** when the call began (performance.now() ms) */
  start: number
  /** performance.now() ms: monotonic, a wall-clock step cannot stretch a call */
  deadline: number
  limit: number
  /** the latest deadline a busy host loop can push this call to (BUSY_WAIT_MAX × limit after its start) */
  until: number
  reject: (error: unknown) => void
  done: boolean
  /** event loop utilization when this call's current period began: how busy the host was while it waited */
  mark: EventLoopUtilization
  /** the bytes the tier's connection had received when this call's current period began (Tier.bytesRead) */
  read: number
  /** the round trips of the tier's operations over many keys answered when this call's current period began (Tier.rounds) */
  rounds: number
  /** neighbours in the list of calls in flight */
  prev: Pending | undefined
  next: Pending | undefined
}

/** A busy host event loop extends a remote call's wait up to this many timeouts (see CallDeadlines._sweep). */
const BUSY_WAIT_MAX = 10

export class CallDeadlines {
  /** Calls in flight, oldest first. */
  private _head: Pending | undefined
  private _tail: Pending | undefined
  private _count = 0
  private _timer: NodeJS.Timeout | undefined
  /** When the armed timer fires (performance.now() ms); 0 = not armed. */
  private _timerAt = 0

  /** When the armed timer last fired (performance.now() ms), before the I/O poll its sweep waits for. */
  private _firedAt = 0
  /** When that timer was due. */
  private _dueAt = 0

  /**
   * `late`: a call past its deadline, already settled here (the guard rejects it with its timeout;
   * `fired` and `due`: when the timer that found it late fired and was due, see timeout-blame.ts).
   * `tier`: whose connection's traffic tells a large value still moving from a tier that stopped (see _moving).
   */
  constructor(private readonly _late: (p: Pending, fired: number, due: number) => void, private readonly _tier?: Tier) {}

  /** A call started now, to be settled within `limit` ms; `reject` is called by `late`, not here. */
  add(limit: number, reject: (error: unknown) => void): Pending {
    const now = performance.now()
    const read = this._tier?.bytesRead === undefined ? 0 : this._tier.bytesRead()
    const rounds = this._tier?.rounds === undefined ? 0 : this._tier.rounds()
    const p: Pending = { start: now, deadline: now + limit, limit, until: now + limit * BUSY_WAIT_MAX, reject, done: false, mark: performance.eventLoopUtilization(), read, rounds, prev: this._tail, next: undefined }
    if (this._tail === undefined) this._head = p
    else this._tail.next = p
    this._tail = p
    if (this._count++ === 0) this._timer?.ref()
    if (this._timerAt === 0 || p.deadline < this._timerAt) this._arm(p.deadline)
    return p
  }

  /** The call is over (answered, failed or late): out of the list. */
  settle(p: Pending): void {
    p.done = true
    if (p.prev === undefined) this._head = p.next
    else p.prev.next = p.next
    if (p.next === undefined) this._tail = p.prev
    else p.next.prev = p.prev
    // idle: the armed timer may fire later and find nothing, but it no longer keeps the process up
    if (--this._count === 0) this._timer?.unref()
  }

  private _arm(at: number): void {
    if (this._timer !== undefined) clearTimeout(this._timer)
    this._timerAt = at
    // swept after the next I/O poll: timers run before poll in the event loop, so after a busy
    // stretch of the host's own work a reply already in the socket would lose to its deadline
    this._timer = setTimeout(() => {
      this._firedAt = performance.now()
      this._dueAt = at
      setImmediate(() => this._sweep())
    }, timerDelay(Math.max(0, at - performance.now())))
  }

  private _sweep(): void {
    this._timerAt = 0
    const now = performance.now()
    // The host's own work kept the event loop busy (≥ 90 %) while a due call waited: replies could
    // not be read, which says nothing about the tier. It waits another period, up to BUSY_WAIT_MAX.
    // Judged over the call's own wait, not since the timer was last armed: the few ms after a sweep
    // (its rejections, the host's cache:error listeners) are busy, and calls due then waited twice.
    let next = 0
    for (let p = this._head, after: Pending | undefined; p !== undefined; p = after) {
      after = p.next
      if (p.deadline <= now && now < p.until && performance.eventLoopUtilization(p.mark).utilization >= 0.9) {
        p.deadline = Math.min(p.until, now + p.limit)
        p.mark = performance.eventLoopUtilization()
      }
      if (p.deadline <= now && this._moving(p, now)) p.mark = performance.eventLoopUtilization()
      if (p.deadline <= now) {
        this.settle(p)
        this._late(p, this._firedAt, this._dueAt)
      } else if (next === 0 || p.deadline < next) {
        next = p.deadline
      }
    }
    if (next !== 0) this._arm(next)
  }

  /**
   * A large value takes longer than `cache.timeout` on a healthy tier: a due call whose connection is
   * still busy with one (this call's or another's ahead of it on the socket) waits on. A large value
   * in flight (written, or read of a key known to hold one: Tier.transferUntil): until it has had the
   * time it takes at TRANSFER_FLOOR, then one period for the reply. Otherwise, another period while
   * the connection received at least TRANSFER_FLOOR over this one (a reply still arriving). A frozen
   * or dead tier moves nothing: its calls time out as before. Likewise an operation over many keys (a
   * listing: one round trip per 1000 keys) that had a round trip answered over this period.
   */
  private _moving(p: Pending, now: number): boolean {
    const tier = this._tier
    const rounds = tier?.rounds?.() ?? 0
    if (rounds > p.rounds) {
      p.rounds = rounds
      p.deadline = now + p.limit
      return true
    }
    if (tier?.bytesRead === undefined) return false
    const moving = tier.transferUntil?.() ?? 0
    const read = tier.bytesRead()
    const moved = read - p.read
    p.read = read
    if (moving > now) p.deadline = moving + p.limit
    else if (moved >= TRANSFER_FLOOR * p.limit) p.deadline = now + p.limit
    else return false
    return true
  }
}
