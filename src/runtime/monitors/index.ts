/**
 * startMonitors: samples the event loop, memory, CPU, GC, active handles (and the host with
 * `system: true`) every `interval` ms on an unref'd timer, evaluates alerts, emits
 * `monitor:sample` (only when listened to) and `monitor:alert`, and serves / writes / pushes
 * Prometheus metrics as configured.
 */
import { isAbsolute, resolve } from 'node:path'
import type { ResolvedMonitorsConfig } from '../../config/types.js'
import type { MonitorSample } from '../../hooks/types.js'
import type { MetricsSources, Monitor, RuntimeContext } from '../_internal.js'
import type { PerfMetrics } from '../types.js'
import { createAlertEvaluator } from './alerts.js'
import { METRIC_KINDS } from './metric-kinds.js'
import { pushMetrics, startMetricsServer, writeTextfile, writeTextfileSync, type MetricsServer } from './prometheus.js'
import { createCpuSampler } from './samplers/cpu.js'
import { createEventLoopSampler } from './samplers/event-loop.js'
import { createGcSampler } from './samplers/gc.js'
import { readHandles } from './samplers/handles.js'
import { readMemory } from './samplers/memory.js'
import type { SystemSampler } from './samplers/system.js'
import { errorMessage } from '../../errors.js'
import { timerDelay } from '../clock.js'

/** The monitor perf.ts and `unperf monitor` use; `server` is set when prometheus serves HTTP. */
export interface MonitorImpl extends Monitor {
  readonly server: MetricsServer | undefined
  /** Resolves once the system sampler has its first values (immediately without `system`). */
  ready(): Promise<void>
}

export function startMonitors(ctx: RuntimeContext, metrics: PerfMetrics, sources: MetricsSources): MonitorImpl {
  void sources // read by the metrics registry at scrape time; sampling needs none of them
  const { config, hooks, warn } = ctx
  const options = resolveFile(config.monitors, config.cwd)
  // the textfile leaves out process_* and nodejs_* (registry.ts: _exposeTextfile); a registry without it, all
  const textfileText = (): string => (metrics as { _exposeTextfile?: () => string })._exposeTextfile?.() ?? metrics.expose()
  const gcObserve = (metrics as { _gcObserve?: (kind: string, seconds: number) => void })._gcObserve?.bind(metrics)

  // 1. samplers: each one only when enabled
  const eventLoop = options.eventLoop ? createEventLoopSampler() : undefined
  const cpu = options.cpu ? createCpuSampler() : undefined
  const gc = options.gc ? createGcSampler(gcObserve) : undefined
  let system: SystemSampler | undefined
  let systemReady: Promise<void> = Promise.resolve()
  if (options.system) {
    systemReady = import('./samplers/system.js').then(({ createSystemSampler }) => {
      if (stopped) return
      system = createSystemSampler(options.interval, warn)
      return system.ready()
    })
  }

  // 2. alerts
  const alerts = createAlertEvaluator(options.alerts, path => {
    // the config accepts the table's metrics only (metric-kinds.ts): one never seen has its sampler off
    const group = path.slice(0, path.indexOf('.'))
    const off = SAMPLERS.includes(group) && options[group as 'eventLoop' | 'memory' | 'cpu' | 'gc' | 'system'] === false
    // host values come with the first refresh, whenever that is; a failed refresh warns of itself
    if (group === 'system' && !off) return
    warn(`monitor-alert-path:${path}`, off
      ? `monitors.alerts['${path}']: never sampled: monitors.${group} is false (turn it on, or remove the rule)`
      : `monitors.alerts['${path}']: no such numeric metric in the samples (one of ${Object.keys(METRIC_KINDS).join(', ')})`)
  })

  let samples = 0
  let last: MonitorSample | undefined
  let stopped = false
  let textfileWrite: Promise<void> | undefined

  /** `timerMs`: the period of the timer that takes it (tick(): the interval), whose lateness is a delay of the loop's too. */
  const sample = (timerMs?: number): MonitorSample => {
    const s: MonitorSample = { time: Date.now() }
    if (eventLoop) s.eventLoop = eventLoop.read(timerMs)
    if (options.memory) s.memory = readMemory()
    if (cpu) s.cpu = cpu.read()
    if (gc) s.gc = gc.read()
    s.handles = readHandles()
    const sys = system?.read()
    if (sys) s.system = sys
    samples++
    last = s
    return s
  }

  const intervalMs = timerDelay(options.interval)
  const tick = (): void => {
    const s = sample(intervalMs)
    if (hooks.hasListeners('monitor:sample')) void hooks.emit('monitor:sample', s)
    for (const alert of alerts.evaluate(s, monotonicMs())) void hooks.emit('monitor:alert', alert)
    const prom = options.prometheus
    if (prom && 'file' in prom && !textfileWrite) {
      // dropped when the monitor stopped meanwhile: its last text (stop(), below) is the file's
      textfileWrite = writeTextfile(prom.file, textfileText(), () => !stopped)
        .catch(error => warn('monitor-textfile', `prometheus: cannot write ${prom.file}: ${errorMessage(error)}`))
        .finally(() => { textfileWrite = undefined })
    }
  }

  const timer = setInterval(tick, intervalMs) // '30d': not every 1 ms
  timer.unref()

  // 3. prometheus HTTP server
  const prom = options.prometheus
  const server = prom && 'port' in prom
    ? startMetricsServer({
        port: prom.port, host: prom.host, path: prom.path, warn,
        expose: () => metrics.expose(),
        health: () => ({ status: alerts.firing().length > 0 ? 'degraded' : 'ok', pid: process.pid, uptime: process.uptime(), samples, alerts: alerts.firing() }),
      })
    : undefined

  let stopping: Promise<void> | undefined
  const halt = (): void => {
    if (stopped) return
    stopped = true
    clearInterval(timer)
    eventLoop?.stop()
    gc?.stop()
    system?.stop()
  }
  return {
    get samples() { return samples },
    get last() { return last },
    server,
    ready: () => systemReady,
    alerts: () => alerts.history(),
    sample,
    halt,
    stop() {
      if (stopping) return stopping
      halt()
      // Synchronous part first: it must land even when the process is exiting.
      if (prom && 'file' in prom) {
        try {
          writeTextfileSync(prom.file, textfileText())
        } catch (error) {
          warn('monitor-textfile', `prometheus: cannot write ${prom.file}: ${errorMessage(error)}`)
        }
      }
      stopping = (async () => {
        // an interval's write still in flight drops its text (its `current` is false now) and removes
        // its temp file: stop() resolves once it has (a CLI that exits right after left a .tmp in the
        // textfile dir; the fresh-clone CI saw one still there at load)
        await textfileWrite
        if (prom && 'pushgateway' in prom) {
          await pushMetrics(prom.pushgateway, prom.job, metrics.expose(), { grouping: prom.grouping })
            .catch(error => warn('monitor-pushgateway', `prometheus: push to ${prom.pushgateway} failed: ${errorMessage(error)}`))
        }
        await server?.close()
      })()
      return stopping
    },
  }
}

/** ms on the monotonic clock (never stepped by NTP, unlike the samples' `time`): what alerts' `for` is judged on. */
function monotonicMs(): number {
  const [s, ns] = process.hrtime()
  return s * 1e3 + ns / 1e6
}

/** The monitors options that switch a sampler, by the first segment of its metrics' paths. */
const SAMPLERS: readonly string[] = ['eventLoop', 'memory', 'cpu', 'gc', 'system']

/** A relative `prometheus.file` is against the project cwd, like report.dir. */
function resolveFile(options: ResolvedMonitorsConfig, cwd: string | undefined): ResolvedMonitorsConfig {
  const prom = options.prometheus
  if (!prom || !('file' in prom) || isAbsolute(prom.file) || !cwd) return options
  return { ...options, prometheus: { file: resolve(cwd, prom.file) } }
}
