/**
 * AIMD concurrency for 'adaptive' pools, TCP-like, with a tolerance for occasional failures.
 *
 * Every window (one completion per slot, at least 4), compare with the previous window: throughput
 * held (≥ 95 %) → one more slot (additive increase); median latency 1.5× worse without more
 * throughput → 0.7× the slots (multiplicative decrease).
 *
 * Failures are judged by their rate, not one by one: they are counted over at least ERROR_WINDOW
 * completions (a window or more), and up to TOLERATED of them (an occasional network error in a
 * download pool) change nothing. Above it the slots shrink in proportion, limit × (1 − rate), at
 * least one slot and at most half of them per decision (TCP's halving); the count then starts
 * over, so one burst of errors is one cut. While the count is short of ERROR_WINDOW with more than
 * TOLERATED failed so far, the limit holds (no increase). Increases resume once the rate is back
 * under it. Bounded to [min, max].
 *
 * Why: one failure in a window used to cut 0.7×; a window holds `limit` completions, so the bigger
 * the pool the likelier a window holds a failure: at 2 % failures a pool of 32 lost a third of its
 * slots one window in two and sank to a few slots (TCP's own weakness on lossy links).
 */
export const ERROR_WINDOW = 20
export const TOLERATED = 0.1

export class AdaptiveLimit {
  limit: number
  private _window: number[] = []
  private _windowStart = performance.now()
  private _prev: { throughput: number; latency: number } | undefined
  /** completions and failures counted since the last decision on failures */
  private _counted = 0
  private _errors = 0

  constructor(initial: number, readonly min: number, readonly max: number) {
    this.limit = Math.min(max, Math.max(min, initial))
  }

  /** Record one finished task; returns the (possibly new) limit. */
  record(latencyMs: number, failed: boolean): number {
    this._window.push(latencyMs)
    this._counted++
    if (failed) this._errors++
    if (this._window.length < Math.max(4, this.limit)) return this.limit
    const now = performance.now()
    const elapsed = Math.max(1e-3, now - this._windowStart)
    const throughput = this._window.length / elapsed
    const sorted = this._window.sort((a, b) => a - b)
    const latency = sorted[sorted.length >> 1]!
    const prev = this._prev
    const rate = this._errors / this._counted
    const counted = this._counted >= ERROR_WINDOW
    if (counted) this._counted = this._errors = 0
    if (rate > TOLERATED && counted) {
      // a full count of completions with too many failures: back off in proportion
      const cut = Math.floor(this.limit * Math.max(0.5, 1 - rate))
      this.limit = Math.max(this.min, Math.min(this.limit - 1, cut))
    } else if (rate > TOLERATED) {
      // too many failures so far, not yet counted over ERROR_WINDOW: hold
    } else if (prev && latency > prev.latency * 1.5 && throughput <= prev.throughput) {
      this.limit = Math.max(this.min, Math.floor(this.limit * 0.7))
    } else if (!prev || throughput >= prev.throughput * 0.95) {
      this.limit = Math.min(this.max, this.limit + 1)
    }
    this._prev = { throughput, latency }
    this._window = []
    this._windowStart = now
    return this.limit
  }
}
