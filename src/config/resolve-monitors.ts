/**
 * The monitors key: what is sampled, alert rules (thresholds in their metric's unit: resolve-alerts.ts) and
 * exporters (resolve-prometheus.ts).
 */
import { DEFAULTS } from './defaults.js'
import type { Resolver } from './resolver.js'
import { resolveAlerts } from './resolve-alerts.js'
import { resolvePrometheus } from './resolve-prometheus.js'
import type { PerfConfigBase, ResolvedMonitorsConfig } from './types.js'

export function resolveMonitors(r: Resolver, input: PerfConfigBase, name: string): ResolvedMonitorsConfig {
  const m = input.monitors
  const d = DEFAULTS.monitors
  const o = m ?? {}
  // thresholds in their metric's unit (resolve-alerts.ts, deferred: loaded only when there are alerts)
  const alerts = o.alerts && Object.keys(o.alerts).length > 0 ? resolveAlerts(r, o.alerts) : {}
  // an exporter and its checks (resolve-prometheus.ts, deferred as alerts are: loaded only when there is one)
  const prometheus = o.prometheus ? resolvePrometheus(r, o.prometheus, name) : false
  const otel = o.opentelemetry
  return {
    enabled: m === undefined ? false : (o.enabled ?? true),
    interval: r.positiveDuration(o.interval ?? d.interval, 'monitors.interval'),
    eventLoop: o.eventLoop ?? d.eventLoop,
    memory: o.memory ?? d.memory,
    cpu: o.cpu ?? d.cpu,
    gc: o.gc ?? d.gc,
    system: o.system ?? d.system,
    alerts,
    prometheus,
    opentelemetry: !otel ? false : { serviceName: (typeof otel === 'object' && otel.serviceName) || (input.name ?? r.ctx.hostName ?? 'unperf-app') },
  }
}
