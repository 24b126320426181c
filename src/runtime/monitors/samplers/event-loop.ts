/**
 * Event loop delay (monitorEventLoopDelay: p50/p99/max/mean in ms) and utilization (0–1) since the
 * previous sample. Delays are lateness past the histogram's own timer period: an idle loop reads ≈ 0,
 * where prom-client's raw percentiles read ≈ its 10 ms resolution.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks'
import type { MonitorSample } from '../../../hooks/types.js'

export interface EventLoopSampler {
  /**
   * The delays since the previous read. `timerMs`: the period of the timer the read is made from
   * (the monitors' interval), whose own lateness is one more observation of the loop's delay.
   */
  read(timerMs?: number): NonNullable<MonitorSample['eventLoop']>
  stop(): void
}

/**
 * @param resolutionMs how often the delay histogram samples the loop (a libuv timer, unref'd
 *   internally). 20 ms (50 wake-ups/s) rather than prom-client's 10 ms: half the idle CPU cost
 *   (bench/monitor.mjs), and a stall still shows at its full length in max/p99.
 */
export function createEventLoopSampler(resolutionMs = 20): EventLoopSampler {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs })
  histogram.enable()
  let elu: EventLoopUtilization = performance.eventLoopUtilization()
  let lastRead = performance.now()
  return {
    read(timerMs) {
      const now = performance.eventLoopUtilization()
      const delta = performance.eventLoopUtilization(now, elu)
      elu = now
      const at = performance.now()
      const windowMs = at - lastRead
      lastRead = at
      // The histogram records the time between its timer's firings (ns): resolution + lateness.
      // Report the lateness (the delay work on the loop suffered), like a stall would be felt.
      const count = histogram.count
      // rounded to µs: finer digits are timer noise
      const ms = (value: number) => Math.max(0, Math.round(value * 1e3) / 1e3)
      const delay = (ns: number) => ms(ns / 1e6 - resolutionMs)
      const utilization = Math.round(delta.utilization * 1e4) / 1e4
      if (count === 0) {
        // The histogram's timer did not fire in the window: a loop blocked throughout (a CPU-bound
        // stretch longer than the interval), which read as 0 ms. That timer was due at most one period
        // after the window began and has not run: the loop is that late at least.
        const late = ms(windowMs - resolutionMs)
        histogram.reset()
        return { p50: late, p99: late, max: late, mean: late, utilization }
      }
      const sample = { p50: delay(histogram.percentile(50)), p99: delay(histogram.percentile(99)), max: delay(histogram.max), mean: delay(histogram.mean), utilization }
      // The reading timer later than the histogram's period: a stall whose firing of the histogram
      // can land in the next window. Below that period its lateness is its 1 ms granularity (idle:
      // 0.5–1 ms), and any such delay the histogram sees itself. With fewer than 100 observations
      // the nearest-rank p99 of them and this one is their largest.
      const late = timerMs === undefined ? 0 : ms(windowMs - timerMs)
      if (late > resolutionMs) {
        if (late > sample.max) sample.max = late
        if (count < 100 && late > sample.p99) sample.p99 = late
      }
      histogram.reset()
      return sample
    },
    stop() {
      histogram.disable()
    },
  }
}
