/**
 * Host metrics from systeminformation, imported lazily. Its calls are slow (currentLoad ≈ 0.5 s
 * the first time, fsSize spawns `df`), so they run in the background on their own unref'd timer
 * and `read()` returns the last values: sampling never waits for them.
 */
import type { WarnOnce } from '../../_internal.js'
import { errorMessage } from '../../../errors.js'

export interface SystemSample {
  load: { percent: number; avg: number }
  memory: { total: number; used: number; available: number; usedPercent: number }
  disk: { usedPercent: number; used: number; size: number }
  network: { rxSec: number; txSec: number }
  /** ms since epoch of the refresh these values come from */
  time: number
}

export interface SystemSampler {
  /** The last refreshed values; undefined until the first refresh finished. */
  read(): SystemSample | undefined
  /** Resolves when one refresh has finished (tests, `unperf monitor`). */
  ready(): Promise<void>
  stop(): void
}

type SI = typeof import('systeminformation')

export function createSystemSampler(intervalMs: number, warn: WarnOnce): SystemSampler {
  let last: SystemSample | undefined
  let stopped = false
  let running: Promise<void> | undefined
  let si: SI | undefined

  const refresh = async (): Promise<void> => {
    si ??= await import('systeminformation')
    const [load, mem, fs, net] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize().catch(() => []), si.networkStats().catch(() => [])])
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
      .catch(error => warn('monitor-system', `system monitor failed: ${errorMessage(error)}`))
      .finally(() => { running = undefined })
    return running
  }
  const first = tick()
  // Host metrics change slowly; refreshing more often than every 5 s only costs CPU.
  const timer = setInterval(tick, Math.max(intervalMs, 5000))
  timer.unref()
  return {
    read: () => last,
    ready: () => first,
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}

function round(n: number): number {
  return Math.round((n || 0) * 100) / 100
}
