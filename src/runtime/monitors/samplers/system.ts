/**
 * Host metrics from systeminformation, imported lazily, in a worker thread (system-reader.ts: its
 * calls run shell commands synchronously). They are slow (fsSize spawns `df`), so they run in the
 * background on their own unref'd timer and `read()` returns the last values: sampling never waits
 * for them, and the host's event loop never waits on them either.
 */
import { cpus, loadavg } from 'node:os'
import type { MonitorSystemSample } from '../../../hooks/types.js'
import type { WarnOnce } from '../../_internal.js'
import { errorMessage } from '../../../errors.js'
import { timerDelay } from '../../clock.js'
import { createHostReader, type HostReader } from './system-reader.js'

/** What a refresh gives (the sample's `system`). */
export type SystemSample = MonitorSystemSample

export interface SystemSampler {
  /** The last refreshed values; undefined until the first refresh finished. */
  read(): SystemSample | undefined
  /** Resolves when one refresh has finished (tests, `unperf monitor`). */
  ready(): Promise<void>
  stop(): void
}

export function createSystemSampler(intervalMs: number, warn: WarnOnce): SystemSampler {
  let last: SystemSample | undefined
  let stopped = false
  let running: Promise<void> | undefined
  let reader: HostReader | undefined
  // The host's load from os.cpus() deltas, not si.currentLoad(): its first call waits 500 ms on a
  // ref'd timer, which kept a short CLI alive that long after close(). The first window is the
  // baseline taken here to the first refresh, FIRST_REFRESH_MS later on an unref'd timer.
  let cpuBase = cpuTimes()

  const refresh = async (): Promise<void> => {
    reader ??= createHostReader()
    const { mem, fs, net } = await reader.read()
    if (stopped) return
    const now = cpuTimes()
    const total = now.total - cpuBase.total
    const load = { currentLoad: total > 0 ? 100 * (1 - (now.idle - cpuBase.idle) / total) : 0, avgLoad: Math.max(...loadavg()) / now.cores }
    cpuBase = now
    const disk = fs.reduce((acc, d) => ({ used: acc.used + (d.used || 0), size: acc.size + (d.size || 0) }), { used: 0, size: 0 })
    last = {
      load: { percent: round(load.currentLoad), avg: round(load.avgLoad) },
      memory: { total: mem.total, used: mem.active, available: mem.available, usedPercent: round((mem.active / mem.total) * 100) },
      disk: { ...disk, usedPercent: disk.size > 0 ? round((disk.used / disk.size) * 100) : 0 },
      network: {
        rxSec: round(net.reduce((sum, n) => sum + (n.rx_sec ?? 0), 0)),
        txSec: round(net.reduce((sum, n) => sum + (n.tx_sec ?? 0), 0)),
      },
      time: Date.now(),
    }
  }
  const tick = (): Promise<void> => {
    if (stopped || running) return running ?? Promise.resolve()
    running = refresh()
      // stopped meanwhile: the worker closed under its reading, no failure
      .catch(error => { if (!stopped) warn('monitor-system', `system monitor failed: ${errorMessage(error)}`) })
      .finally(() => { running = undefined })
    return running
  }
  let firstDone!: () => void
  const first = new Promise<void>((done) => { firstDone = done })
  const startTimer = setTimeout(() => { void tick().then(firstDone) }, FIRST_REFRESH_MS)
  startTimer.unref()
  // Host metrics change slowly; refreshing more often than every 5 s only costs CPU. An interval
  // past the longest timer ('30d') waits that long: node made it 1 ms, a refresh (df) after another
  const timer = setInterval(tick, timerDelay(Math.max(intervalMs, 5000)))
  timer.unref()
  return {
    read: () => last,
    ready: () => first,
    stop() {
      stopped = true
      clearTimeout(startTimer)
      clearInterval(timer)
      reader?.close()
      firstDone() // stopped before the first refresh: nothing more will come
    },
  }
}

/** The first refresh's wait: the first load window (si.currentLoad's own first window was 500 ms). */
const FIRST_REFRESH_MS = 500

function cpuTimes(): { idle: number; total: number; cores: number } {
  let idle = 0
  let total = 0
  const all = cpus()
  for (const { times } of all) {
    idle += times.idle
    total += times.user + times.nice + times.sys + times.irq + times.idle
  }
  return { idle, total, cores: Math.max(1, all.length) }
}

function round(n: number): number {
  return Math.round((n || 0) * 100) / 100
}
