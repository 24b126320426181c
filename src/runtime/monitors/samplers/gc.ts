/** GC pauses from PerformanceObserver('gc'): count and total pause (ms) since the previous sample. */
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks'
import type { MonitorSample } from '../../../hooks/types.js'

export interface GcSampler {
  read(): NonNullable<MonitorSample['gc']>
  stop(): void
}

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}

/** @param onPause called per GC with its kind and duration in seconds (the gc histogram). */
export function createGcSampler(onPause?: (kind: string, seconds: number) => void): GcSampler {
  let count = 0
  let pause = 0
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      count++
      pause += entry.duration
      if (onPause) onPause(KINDS[gcKind(entry)] ?? 'unknown', entry.duration / 1000)
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    read() {
      const sample = { count, pause: Math.round(pause * 1000) / 1000 }
      count = 0
      pause = 0
      return sample
    },
    stop() {
      observer.disconnect()
    },
  }
}

function gcKind(entry: PerformanceEntry): number {
  const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail
  return detail?.kind ?? 0
}
