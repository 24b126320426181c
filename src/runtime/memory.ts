/**
 * Memory: labelled snapshots, peak rss during commands, and a least-squares trend over heapUsed.
 * A command's peak: the kernel's high-water mark of the process (ru_maxrss) when it rose while the
 * command ran (exact, however short the spike), else the highest rss sampled: at the command's start
 * and end, and every 50 ms on an unref'd interval for every command but a process's first (a CLI's
 * one command pays no timer: the first of a process costs ~0.5 ms). process.memoryUsage.rss() reads
 * /proc/self/stat on Linux (10–40 µs): perf.run() reuses the tracker's start and end samples.
 */
import { formatBytes } from '../config/units.js'
import { now } from './clock.js'
import { snapshotLabelError } from './input-errors.js'
import type { MemoryTracker } from './_internal.js'
import type { MemorySnapshot, MemoryTrend } from './types.js'

/** |slope| below this many bytes/s counts as stable (≈ 1 MiB per 10 s). */
export const STABLE_SLOPE = 100 * 1024
/**
 * A fitted change below this over the snapshots' span counts as stable whatever the slope: two
 * snapshots 5 ms apart differ by the few kB the first one allocated, a slope of ≈ 1 MB/s that read
 * as 'growing'. A heap moves by more than this between scavenges anyway.
 */
export const STABLE_CHANGE = 1024 * 1024
const PEAK_INTERVAL_MS = 50
/**
 * Snapshots kept (the newest): a service snapshotting every second for leak detection must not grow
 * without bound (nor its report). Trimmed in batches once twice as many are held; the trend is over
 * those kept, so it follows the recent heap rather than one diluted since the start.
 */
export const SNAPSHOTS_KEPT = 1000

/**
 * The process's peak rss so far, in bytes: ru_maxrss, in kilobytes as Node documents it (a platform
 * giving bytes would give a value at least the current rss in bytes).
 */
function highWater(rss: number): number {
  const kb = process.resourceUsage().maxRSS
  return kb >= rss ? kb : kb * 1024
}

export function createMemoryTracker(): MemoryTracker & { leakWarning(): string | undefined } {
  const list: MemorySnapshot[] = []
  // when each snapshot was taken on the runtime's monotonic clock: the trend and the leak warning's
  // span are judged on it, not on `time` (the wall clock, which NTP steps: a step back of an hour
  // between two snapshots read as a heap growing over -3 600 s, a leak hidden as 'stable')
  const takenAt = new WeakMap<MemorySnapshot, number>()
  const at = (s: MemorySnapshot): number => takenAt.get(s) ?? s.time
  let peak = process.memoryUsage.rss()
  let last = peak
  const active = new Set<{ peak: number }>()
  let timer: NodeJS.Timeout | undefined
  let tracked = 0
  let taken = 0

  const sample = () => {
    const rss = (last = process.memoryUsage.rss())
    if (rss > peak) peak = rss
    for (const t of active) if (rss > t.peak) t.peak = rss
    return rss
  }

  const trend = (): MemoryTrend => {
    const n = list.length
    if (n < 2) return { direction: 'stable', slope: 0, samples: n }
    const t0 = at(list[0]!)
    let sx = 0, sy = 0, sxx = 0, sxy = 0
    for (const s of list) {
      const x = (at(s) - t0) / 1000
      sx += x; sy += s.heapUsed; sxx += x * x; sxy += x * s.heapUsed
    }
    const denom = n * sxx - sx * sx
    const slope = denom === 0 ? 0 : (n * sxy - sx * sy) / denom
    const span = (at(list[n - 1]!) - t0) / 1000
    const stable = Math.abs(slope) < STABLE_SLOPE || Math.abs(slope * span) < STABLE_CHANGE
    return { direction: stable ? 'stable' : slope > 0 ? 'growing' : 'shrinking', slope, samples: n }
  }

  return {
    snapshot(label = `#${taken + 1}`): MemorySnapshot {
      if (typeof label !== 'string') throw snapshotLabelError(label)
      taken++
      const m = process.memoryUsage()
      if (m.rss > peak) peak = m.rss
      const snap: MemorySnapshot = {
        label, time: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers,
      }
      takenAt.set(snap, now())
      list.push(snap)
      if (list.length >= 2 * SNAPSHOTS_KEPT) list.splice(0, list.length - SNAPSHOTS_KEPT)
      return snap
    },
    snapshots: () => list,
    trend,
    get peakRss() {
      const hw = highWater(sample())
      if (hw > peak) peak = hw
      return peak
    },
    get lastRss() {
      return last
    },
    trackPeak(): () => number {
      const tracker = { peak: 0 }
      active.add(tracker)
      const from = highWater(sample())
      // the sampler catches what the high-water mark cannot: a spike below a peak the process
      // reached before (an earlier command's, in a service); a process's first command needs none
      const first = tracked++ === 0
      if (!timer && (!first || active.size > 1)) {
        timer = setInterval(sample, PEAK_INTERVAL_MS)
        timer.unref()
      }
      return () => {
        sample()
        active.delete(tracker)
        if (active.size === 0 && timer) {
          clearInterval(timer)
          timer = undefined
        }
        const hw = highWater(last)
        if (hw > peak) peak = hw
        if (hw > from && hw > tracker.peak) tracker.peak = hw
        return tracker.peak
      }
    },
    /** A warning when at least 5 snapshots over 10 s or more keep growing. */
    leakWarning(): string | undefined {
      const t = trend()
      const span = list.length > 1 ? at(list[list.length - 1]!) - at(list[0]!) : 0
      if (t.direction !== 'growing' || t.samples < 5 || span < 10_000) return undefined
      return `heap keeps growing: +${formatBytes(t.slope)}/s over ${t.samples} snapshots in ${(span / 1000).toFixed(0)} s (a leak?)`
    },
  }
}
