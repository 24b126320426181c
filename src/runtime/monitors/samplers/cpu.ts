/**
 * Process CPU from process.cpuUsage deltas: `percent` of one core over the time since the
 * previous sample (like `top`; above 100 with worker threads), `user` / `system` in ms of CPU
 * time over the same span.
 */
import type { MonitorSample } from '../../../hooks/types.js'

export interface CpuSampler {
  read(): NonNullable<MonitorSample['cpu']>
}

export function createCpuSampler(): CpuSampler {
  let last = process.cpuUsage()
  let lastTime = process.hrtime.bigint()
  return {
    read() {
      const now = process.hrtime.bigint()
      const delta = process.cpuUsage(last)
      last = process.cpuUsage()
      const elapsedUs = Number(now - lastTime) / 1000
      lastTime = now
      const percent = elapsedUs > 0 ? ((delta.user + delta.system) / elapsedUs) * 100 : 0
      return { percent: Math.round(percent * 100) / 100, user: delta.user / 1000, system: delta.system / 1000 }
    },
  }
}
