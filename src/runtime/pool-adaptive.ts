/**
 * AIMD concurrency for 'adaptive' pools. Every window (one completion per slot), compare with the
 * previous window: throughput up and median latency not 50 % worse → one more slot (additive
 * increase); latency 50 % worse, or any failure in the window → 0.7× the slots (multiplicative
 * decrease). Bounded to [min, max].
 */
export class AdaptiveLimit {
  limit: number
  private _window: number[] = []
  private _errors = 0
  private _windowStart = performance.now()
  private _prev: { throughput: number; latency: number } | undefined

  constructor(initial: number, readonly min: number, readonly max: number) {
    this.limit = Math.min(max, Math.max(min, initial))
  }

  /** Record one finished task; returns the (possibly new) limit. */
  record(latencyMs: number, failed: boolean): number {
    this._window.push(latencyMs)
    if (failed) this._errors++
    if (this._window.length < Math.max(4, this.limit)) return this.limit
    const now = performance.now()
    const elapsed = Math.max(1e-3, now - this._windowStart)
    const throughput = this._window.length / elapsed
    const sorted = this._window.sort((a, b) => a - b)
    const latency = sorted[sorted.length >> 1]!
    const prev = this._prev
    if (this._errors > 0 || (prev && latency > prev.latency * 1.5 && throughput <= prev.throughput)) {
      this.limit = Math.max(this.min, Math.floor(this.limit * 0.7))
    } else if (!prev || throughput >= prev.throughput * 0.95) {
      this.limit = Math.min(this.max, this.limit + 1)
    }
    this._prev = { throughput, latency }
    this._window = []
    this._errors = 0
    this._windowStart = now
    return this.limit
  }
}
