/**
 * Event loop delay (monitorEventLoopDelay: p50/p99/max/mean in ms) and utilization (0–1) since the
 * previous sample. Delays are lateness past the histogram's own timer period: an idle loop reads ≈ 0,
 * where prom-client's raw percentiles read ≈ its 10 ms resolution.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks'
import type { MonitorSample } from '../../../hooks/types.js'

export interface EventLoopSampler {
  read(): NonNullable<MonitorSample['eventLoop']>
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
  return {
    read() {
      const now = performance.eventLoopUtilization()
      const delta = performance.eventLoopUtilization(now, elu)
      elu = now
      // The histogram records the time between its timer's firings (ns): resolution + lateness.
      // Report the lateness (the delay work on the loop suffered), like a stall would be felt.
      const empty = histogram.count === 0
      // rounded to µs: finer digits are timer noise
      const delay = (ns: number) => (empty ? 0 : Math.max(0, Math.round(ns / 1e3 - resolutionMs * 1e3) / 1e3))
      const sample = {
        p50: delay(histogram.percentile(50)),
        p99: delay(histogram.percentile(99)),
        max: delay(histogram.max),
        mean: delay(histogram.mean),
        utilization: Math.round(delta.utilization * 1e4) / 1e4,
      }
      histogram.reset()
      return sample
    },
    stop() {
      histogram.disable()
    },
  }
}
