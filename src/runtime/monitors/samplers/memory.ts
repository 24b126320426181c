/** Process memory in bytes (process.memoryUsage). */
import type { MonitorSample } from '../../../hooks/types.js'

export function readMemory(): NonNullable<MonitorSample['memory']> {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
  return { rss, heapUsed, heapTotal, external, arrayBuffers }
}
