/** Event loop delay (monitorEventLoopDelay: p50/p99/max/mean in ms) and utilization (0–1) since the previous sample. */
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
      // Values are in ns; an empty histogram (no tick yet) reports NaN mean and huge min.
      const empty = histogram.count === 0
      const sample = {
        p50: empty ? 0 : histogram.percentile(50) / 1e6,
        p99: empty ? 0 : histogram.percentile(99) / 1e6,
        max: empty ? 0 : histogram.max / 1e6,
        mean: empty ? 0 : histogram.mean / 1e6,
        utilization: delta.utilization,
      }
      histogram.reset()
      return sample
    },
    stop() {
      histogram.disable()
    },
  }
}
