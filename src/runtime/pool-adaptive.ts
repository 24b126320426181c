/**
 * AIMD concurrency for 'adaptive' pools, TCP-like, with a tolerance for occasional failures.
 *
 * Every window (one completion per slot, at least 4) is judged on its throughput (completions per
 * ms) and its median latency. Throughput held (≥ 95 % of the previous window's) → one more slot
 * (additive increase). Latency, against a baseline (TCP Vegas' base RTT: what a task takes when it
 * does not queue; the lowest window median until BASELINE_SAMPLES tasks have run, then the lowest
 * median of BASELINE_SAMPLES tasks at a time): a window whose median is over LATENCY_RISE × the
 * baseline is *congested* and holds the limit; CONGESTED_TO_CUT congested windows in a row → 0.7×
 * the slots (multiplicative decrease), and the count starts over (the tasks started under the old
 * limit, still finishing, do not cut again at once). When the next cut would come and the latency
 * did not fall under CUT_HELPED × the one that cut, fewer slots did not shorten the tasks: no
 * queue, the service itself is slower; that latency becomes the baseline instead of a second cut.
 *
 * Why (latency): the rule compared each window with the one before ("1.5× worse without more
 * throughput"), so it cut on noise and missed the signal. A loaded machine (the event loop or the
 * CPU busy elsewhere for 50 ms) delivers every task in flight late and at once: one window of high
 * latency and low throughput, a 0.7× cut for a service that never slowed (about one stall in two
 * cut; test/runtime/pool-adaptive-latency.test.ts simulates it). A stall is one congested window,
 * not two in a row. Yet a service that queues (each slot over its capacity adds latency, no
 * throughput) slows a little per window, never 1.5× from one window to the next: the pool grew to
 * its max with tasks at 4× their latency. Against the baseline the queue shows, and the limit
 * settles near the service's capacity.
 *
 * Why (baseline of many tasks): a window holds one task per slot, 4 to 8 on a small machine, and
 * the lowest of many such medians is the luckiest window, not the service. Against it a service
 * whose latency spreads without queueing (a network's long tail: 15 ms + an exponential 15 ms)
 * looked congested every few windows: 82–93 cuts in 30 s, a pool of 8 at 6.1–6.9 slots on average
 * in simulation, and on a 2-core machine 20 ms + exponential 20 ms timer tasks ran at 121–133/s
 * where a fixed 8 ran 192/s. The median of 32 tasks: 7.1–7.3 slots, 153–159/s; queues are found as
 * before (test/runtime/pool-adaptive-latency.test.ts). Until 32 tasks have run (a new pool, or a
 * re-baseline) the window medians lower it, as the first windows must be judged against something.
 *
 * Failures are judged by their rate, not one by one: they are counted over at least ERROR_WINDOW
 * completions (a window or more), and up to TOLERATED of them (an occasional network error in a
 * download pool) change nothing. Above it the slots shrink in proportion, limit × (1 − rate), at
 * least one slot and at most half of them per decision (TCP's halving); the count then starts
 * over, so one burst of errors is one cut. While the count is short of ERROR_WINDOW with more than
 * TOLERATED failed so far, the limit holds (no increase). Increases resume once the rate is back
 * under it. Bounded to [min, max].
 *
 * Why (failures): one failure in a window used to cut 0.7×; a window holds `limit` completions, so
 * the bigger the pool the likelier a window holds a failure: at 2 % failures a pool of 32 lost a
 * third of its slots one window in two and sank to a few slots (TCP's own weakness on lossy links).
 */
export const ERROR_WINDOW = 20
export const TOLERATED = 0.1
/** A window's median latency over this × the baseline is congested. */
export const LATENCY_RISE = 1.5
/** Congested windows in a row that cut the limit. */
export const CONGESTED_TO_CUT = 2
/** A cut that did not bring the median latency under this × the one that cut: the service slowed. */
export const CUT_HELPED = 0.85
/** Tasks whose median lowers the baseline: the lowest of many small windows' medians is their noise, not the service. */
export const BASELINE_SAMPLES = 32

export class AdaptiveLimit {
  limit: number
  private _window: number[] = []
  private _windowStart: number
  /** failures in the current window: a window with any never lowers the baseline (a refused connection fails fast) */
  private _windowFailed = false
  private _prevThroughput: number | undefined
  /** ms: what a task takes when it does not queue (the lowest median of BASELINE_SAMPLES tasks since the last re-baseline) */
  private _baseline: number | undefined
  /** ms: latencies of the last windows without failures, until BASELINE_SAMPLES of them can lower the baseline */
  private _recent: number[] = []
  /** fewer than BASELINE_SAMPLES tasks since the first window or a re-baseline: a lower window median lowers it */
  private _provisional = true
  /** congested windows in a row */
  private _congested = 0
  /** the median latency of the window of the last latency cut, until a window is no longer congested */
  private _cutAt: number | undefined
  /** completions and failures counted since the last decision on failures */
  private _counted = 0
  private _errors = 0

  /** `clock`: ms, monotonic (the pool's: performance.now; a simulation's own in tests) */
  constructor(initial: number, readonly min: number, readonly max: number, private readonly _clock: () => number = () => performance.now()) {
    this.limit = Math.min(max, Math.max(min, initial))
    this._windowStart = _clock()
  }

  /** Record one finished task; returns the (possibly new) limit. */
  record(latencyMs: number, failed: boolean): number {
    this._window.push(latencyMs)
    this._counted++
    if (failed) {
      this._errors++
      this._windowFailed = true
    }
    if (this._window.length < Math.max(4, this.limit)) return this.limit
    const now = this._clock()
    const elapsed = Math.max(1e-3, now - this._windowStart)
    const throughput = this._window.length / elapsed
    const sorted = this._window.sort((a, b) => a - b)
    const latency = sorted[sorted.length >> 1]!
    const prev = this._prevThroughput
    const baseline = this._baseline
    const congested = baseline !== undefined && latency > baseline * LATENCY_RISE
    this._congested = congested ? this._congested + 1 : 0
    if (!congested) this._cutAt = undefined
    const rate = this._errors / this._counted
    const counted = this._counted >= ERROR_WINDOW
    if (counted) this._counted = this._errors = 0
    if (rate > TOLERATED && counted) {
      // a full count of completions with too many failures: back off in proportion
      const cut = Math.floor(this.limit * Math.max(0.5, 1 - rate))
      this.limit = Math.max(this.min, Math.min(this.limit - 1, cut))
    } else if (rate > TOLERATED) {
      // too many failures so far, not yet counted over ERROR_WINDOW: hold
    } else if (this._congested >= CONGESTED_TO_CUT) {
      this._congested = 0
      if (this._cutAt !== undefined && latency > this._cutAt * CUT_HELPED) {
        // fewer slots did not shorten the tasks: no queue, the service itself is slower now
        this._baseline = latency
        this._recent = []
        this._provisional = true
        this._cutAt = undefined
      } else {
        this.limit = Math.max(this.min, Math.floor(this.limit * 0.7))
        this._cutAt = latency
      }
    } else if (congested) {
      // one congested window (a stall of the machine, or a queue starting): hold
    } else if (prev === undefined || throughput >= prev * 0.95) {
      this.limit = Math.min(this.max, this.limit + 1)
    }
    if (this._windowFailed) this._recent = []
    else if (this._baseline === undefined) this._baseline = latency
    else {
      if (this._provisional && latency < this._baseline) this._baseline = latency
      // the median of at least BASELINE_SAMPLES tasks: a window of a few is too noisy to set the baseline
      const recent = this._recent.length === 0 ? sorted : this._recent.concat(sorted)
      if (recent.length < BASELINE_SAMPLES) this._recent = recent
      else {
        const median = recent.sort((a, b) => a - b)[recent.length >> 1]!
        if (median < this._baseline) this._baseline = median
        this._recent = []
        this._provisional = false
      }
    }
    this._windowFailed = false
    this._prevThroughput = throughput
    this._window = []
    this._windowStart = now
    return this.limit
  }
}
