/**
 * AIMD concurrency for 'adaptive' pools, TCP-like: grown by throughput and latency, cut by latency,
 * by a service's refusals at once, and by losses (timeouts, resets) past a tolerated rate.
 *
 * Every window (one success per slot, at least 4) is judged on its throughput (successes per ms)
 * and its median latency. Throughput held (≥ 95 % of the previous window's) → one more slot
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
 * Baseline probes (envoy's adaptive concurrency re-measures its minRTT the same way, at a small
 * limit now and then): the baseline only falls, so a pool whose first tasks ran slow (threads warming
 * up on a busy machine) and that never ran few tasks at once after kept a baseline as slow as its
 * queue: CPU-bound work swung around twice the cores. After PROBE_FIRST successes, then PROBE_GROWTH ×
 * as many each time (up to PROBE_MAX), a window that changed nothing above the initial limit starts a
 * probe: half the slots (never under the initial limit) for BASELINE_SAMPLES tasks started since.
 * While halving shortens the tasks (their median under CUT_HELPED × the one above: they queued) it
 * halves again, which costs no throughput where tasks queue; then the probe's median is the baseline
 * and the limit goes back to the lowest level that did not queue. Against a service that does not
 * queue a probe is one halving for 32 tasks (1–2 % fewer tasks in 10 s in simulation, less after).
 *
 * Failures, by what they say (overload.ts). A *refusal* (HTTP 429, 503, 504 or Retry-After: the
 * service said it is overloaded) cuts the limit at once to REFUSED_CUT × (at least one slot less),
 * and the limit then holds (no increase) for `hold` windows; a refusal of a task that started before
 * the cut does not cut again (it was sent under the old limit: TCP's one cut per round trip). Each
 * refusal at a limit no higher than the last one's (the same ceiling, probed again after its hold)
 * doubles the hold, up to MAX_HOLD windows; a refusal above it (the service took more) resets it to 1.
 * *Losses* (a timeout, a reset or refused connection) are judged by their rate: counted over at
 * least ERROR_WINDOW outcomes, up to TOLERATED of them change nothing; above it the slots shrink in
 * proportion, limit × (1 − rate), at least one slot and at most half of them per decision, and the
 * count starts over (one burst is one cut). While the count is short with more than TOLERATED lost
 * so far, the limit holds. Any other failure (a bug in fn, a 404) is not congestion: ignored. A
 * failure is never a latency sample (a refusal in 1 ms is no service time). Bounded to [min, max].
 *
 * Why (refusals): failures were all judged by their rate, so against a service that answers 429 at
 * once past its limit every probe one slot above it failed a burst: the refused slot turns over in
 * 1 ms, a task refused each time, until 20 outcomes were counted; then the next window's increase
 * probed again. 531–593 of 1 500 tasks failed (a local service, limit 3, 20 ms a request); with
 * retries, 13.6–13.9 s where a fixed 3 took 11–12 s. A cut at the first refusal costs a probe one
 * failure or two; the doubling hold makes probes of a known ceiling rare (a few per second at most,
 * then one per MAX_HOLD windows), as TCP CUBIC slows near its last loss (docs/execution.md: figures).
 * Prior art: Netflix concurrency-limits' AIMDLimit cuts at a drop (an outside limit's rejection or a
 * timeout) at once, to 0.9×, and its listeners ignore other failures (onIgnore); envoy's adaptive
 * concurrency is latency only; p-queue and p-limit have no adaptive limit.
 *
 * Why (losses by rate): one failure in a window used to cut 0.7×; a window holds `limit`
 * completions, so the bigger the pool the likelier a window holds a failure: at 2 % failures a pool
 * of 32 lost a third of its slots one window in two and sank to a few slots (TCP's own weakness on
 * lossy links). A reset is as often a bad link as an overloaded service.
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
/** A refusal cuts the limit to this × (at least one slot less). */
export const REFUSED_CUT = 0.75
/** The longest hold after a refusal, in windows. */
export const MAX_HOLD = 64
/** Successes before the first baseline probe; each next one waits PROBE_GROWTH × as many, up to PROBE_MAX. */
export const PROBE_FIRST = 64
export const PROBE_GROWTH = 8
export const PROBE_MAX = 4096

export class AdaptiveLimit {
  limit: number
  private _window: number[] = []
  private _windowStart: number
  private _prevThroughput: number | undefined
  /** ms: what a task takes when it does not queue (the lowest median of BASELINE_SAMPLES tasks since the last re-baseline) */
  private _baseline: number | undefined
  /** ms: latencies of the last windows, until BASELINE_SAMPLES of them can lower the baseline */
  private _recent: number[] = []
  /** fewer than BASELINE_SAMPLES tasks since the first window or a re-baseline: a lower window median lowers it */
  private _provisional = true
  /** congested windows in a row */
  private _congested = 0
  /** the median latency of the window of the last latency cut, until a window is no longer congested */
  private _cutAt: number | undefined
  /** outcomes (successes and losses) and losses counted since the last decision on losses */
  private _counted = 0
  private _lost = 0
  /** windows left before the limit may grow again, after a refusal */
  private _hold = 0
  /** the hold of the next refusal's cut: doubled by each refusal at the same ceiling */
  private _holdLength = 1
  /** the limit the last refusal came at (the service's ceiling as last seen; 0: none yet) */
  private _ceiling = 0
  /** clock at the last refusal's cut: tasks started before it were sent under the old limit */
  private _refusedAt = -Infinity
  /** the limit it started at: a probe never goes under it */
  private readonly _initial: number
  /** a baseline probe under way: the limit to go back to, when it began, the latencies of the tasks started since */
  private _probe: { saved: number; since: number; samples: number[]; reference: number; above: number } | undefined
  /** successes since the last probe (or the start), and how many the next probe waits for */
  private _sinceProbe = 0
  /** the latencies of the last BASELINE_SAMPLES tasks out of probes: the first step of a probe is judged against their median */
  private _last: number[] = []
  private _probeEvery = PROBE_FIRST

  /** `clock`: ms, monotonic (the pool's: performance.now; a simulation's own in tests) */
  constructor(initial: number, readonly min: number, readonly max: number, private readonly _clock: () => number = () => performance.now()) {
    this.limit = this._initial = Math.min(max, Math.max(min, initial))
    this._windowStart = _clock()
  }

  /**
   * Record one task that succeeded in `latencyMs` after starting at `startedAt` (the clock's ms);
   * returns the (possibly new) limit.
   */
  record(latencyMs: number, startedAt: number = this._clock() - latencyMs): number {
    this._count(false)
    const probe = this._probe
    if (probe !== undefined) {
      // a task started before the probe ran beside more than its slots: no sample of the probe
      if (startedAt >= probe.since) probe.samples.push(latencyMs)
      if (probe.samples.length >= BASELINE_SAMPLES) this._endProbe(probe.samples)
      return this.limit
    }
    this._sinceProbe++
    this._window.push(latencyMs)
    if (this._last.push(latencyMs) > BASELINE_SAMPLES) this._last.shift()
    if (this._window.length < Math.max(4, this.limit)) return this.limit
    const now = this._clock()
    const from = this.limit
    const elapsed = Math.max(1e-3, now - this._windowStart)
    const throughput = this._window.length / elapsed
    const sorted = this._window.sort((a, b) => a - b)
    const latency = sorted[sorted.length >> 1]!
    const prev = this._prevThroughput
    const baseline = this._baseline
    const congested = baseline !== undefined && latency > baseline * LATENCY_RISE
    this._congested = congested ? this._congested + 1 : 0
    if (!congested) this._cutAt = undefined
    // after a refusal, no probe of its ceiling until the hold is over; below it, growth as usual
    // (a latency cut since, or a few slots fewer: nothing refused there)
    const holding = this._hold > 0 && this.limit + 1 >= this._ceiling
    if (this._hold > 0) this._hold--
    if (this._lost > this._counted * TOLERATED) {
      // too many losses so far, not yet counted over ERROR_WINDOW: hold
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
    } else if (congested || holding) {
      // one congested window (a stall of the machine, or a queue starting), or after a refusal: hold
    } else if (prev === undefined || throughput >= prev * 0.95) {
      this.limit = Math.min(this.max, this.limit + 1)
    }
    if (this._baseline === undefined) this._baseline = latency
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
    this._newWindow(now, throughput)
    // a window that changed nothing, above where the pool began, and enough tasks since the last probe
    if (this.limit === from && this._sinceProbe >= this._probeEvery) this._startProbe(now)
    return this.limit
  }

  /** A baseline probe (the header's "Baseline probes"): half the slots, never under the initial limit. */
  private _startProbe(now: number): void {
    const low = this._lower(this.limit)
    if (low >= this.limit) return
    // of many tasks, as the baseline: one window's median (4-8 tasks) too often looked queued by chance
    const reference = this._last.slice().sort((a, b) => a - b)[this._last.length >> 1]!
    this._sinceProbe = 0
    this._probeEvery = Math.min(PROBE_MAX, this._probeEvery * PROBE_GROWTH)
    this._probe = { saved: this.limit, since: now, samples: [], reference, above: this.limit }
    this.limit = low
  }

  /** The limit of a probe below `limit`: half, never under the initial limit (nor min) */
  private _lower(limit: number): number {
    return Math.max(this.min, this._initial, Math.ceil(limit / 2))
  }

  /** The probe over: its tasks' median the baseline (measured: `samples`), the limit back. */
  private _endProbe(samples: number[] | undefined): void {
    const probe = this._probe!
    const median = samples?.sort((a, b) => a - b)[samples.length >> 1]
    const helped = median !== undefined && median < probe.reference * CUT_HELPED
    if (helped && this._lower(this.limit) < this.limit) {
      // half the slots shortened the tasks: they queued, perhaps still do; half again
      probe.reference = median
      probe.above = this.limit
      probe.since = this._clock()
      probe.samples = []
      this.limit = this._lower(this.limit)
      return
    }
    this._probe = undefined
    // back to the lowest limit that did not queue, not to a queue found: its tasks still in flight
    // would make the cut that follows look useless (a slower service) and re-baseline on them
    this.limit = median === undefined ? probe.saved : helped ? this.limit : probe.above
    if (median !== undefined) {
      this._baseline = median
      this._recent = []
      this._provisional = false
      this._cutAt = undefined
      this._congested = 0
    }
    // the tasks in flight ran at the probe's limit: no yardstick for the next window's throughput
    this._newWindow(this._clock(), undefined)
  }

  /**
   * Record one task that failed with an overload (overload.ts) after starting at `startedAt` (the
   * clock's ms); returns the (possibly new) limit. Other failures are not recorded.
   */
  failed(kind: 'refused' | 'lost', startedAt: number): number {
    if (kind === 'lost') {
      this._count(true)
      return this.limit
    }
    // sent under the limit before the last cut: that cut answered it already
    if (startedAt < this._refusedAt) return this.limit
    // a refusal ends a probe unmeasured: the cut is of the limit the service was refusing
    if (this._probe !== undefined) this._endProbe(undefined)
    const from = this.limit
    // the same ceiling refused again (a probe after its hold): wait twice as long before the next;
    // a refusal above it: the service took more, start over; during a hold: the same descent
    if (this._hold === 0) this._holdLength = from <= this._ceiling ? Math.min(MAX_HOLD, this._holdLength * 2) : 1
    this._ceiling = from
    this._hold = this._holdLength
    this.limit = Math.max(this.min, Math.min(from - 1, Math.floor(from * REFUSED_CUT)))
    this._refusedAt = this._clock()
    // the window's tasks ran under the old limit: its throughput is no yardstick for the next
    this._congested = 0
    this._newWindow(this._refusedAt, undefined)
    return this.limit
  }

  /** One outcome for the loss rate; past ERROR_WINDOW of them with too many lost, a cut in proportion. */
  private _count(lost: boolean): void {
    this._counted++
    if (lost) this._lost++
    if (this._counted < ERROR_WINDOW) return
    const rate = this._lost / this._counted
    this._counted = this._lost = 0
    if (rate <= TOLERATED) return
    // during a probe, of the limit it goes back to (the probe's is a measurement, not the pool's)
    const probe = this._probe
    const limit = probe === undefined ? this.limit : probe.saved
    const cut = Math.max(this.min, Math.min(limit - 1, Math.floor(limit * Math.max(0.5, 1 - rate))))
    if (probe === undefined) this.limit = cut
    else probe.above = Math.min(probe.above, (probe.saved = cut))
  }

  private _newWindow(now: number, throughput: number | undefined): void {
    this._prevThroughput = throughput
    this._window = []
    this._windowStart = now
  }
}
