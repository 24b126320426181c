/**
 * The monitors key: what is sampled, alert rules (thresholds in their metric's unit: resolve-alerts.ts) and exporters.
 */
import { NotShown } from '../errors.js'
import { DEFAULTS } from './defaults.js'
import { keyPath } from './key-path.js'
import type { Resolver } from './resolver.js'
import { resolveAlerts } from './resolve-alerts.js'
import type { PerfConfigBase, ResolvedMonitorsConfig } from './types.js'

/**
 * The pushgateway's group key labels beside `job`: Prometheus label names, not `job` (given by
 * `job`) nor `__`-prefixed (reserved); their values are strings (the schema checks them).
 */
function grouping(r: Resolver, input: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [label, value] of Object.entries(input ?? {})) {
    const path = keyPath('monitors.prometheus.grouping', label)
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) || label.startsWith('__')) r.issue(path, 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)', label)
    else if (label === 'job') r.issue(path, "a label other than 'job' (set monitors.prometheus.job)", label)
    else out[label] = value
  }
  return out
}

/**
 * What the schema lets through but the server could not serve as meant: an empty host listens on
 * every interface (node reads '' as "unspecified"), a path without its leading '/' matches no
 * request, '/healthz' hides the health endpoint.
 */
function checkServer(r: Resolver, host: string, path: string): void {
  if (host.trim() === '') r.issue('monitors.prometheus.host', "a host to listen on ('127.0.0.1'; '0.0.0.0' for every interface, said explicitly)", host)
  if (!path.startsWith('/') || path === '/healthz') {
    r.issue('monitors.prometheus.path', path === '/healthz' ? "a path other than '/healthz' (the health endpoint's)" : "a path starting with '/' ('/metrics')", path)
  }
}

/** The url is pushed to at close only: a bad one is a config error now, not a warning at the end of the run. */
function checkPushgateway(r: Resolver, url: string): void {
  let protocol: string | undefined
  try {
    protocol = new URL(url).protocol
  } catch {
    protocol = undefined
  }
  if (protocol === 'http:' || protocol === 'https:') return
  // the url may hold credentials (user:pass@): its scheme is shown, never the rest
  r.issue('monitors.prometheus.pushgateway', "an http:// or https:// url ('http://pushgateway:9091')", new NotShown(protocol ? `a url with the scheme '${protocol}' (rest not shown)` : 'an unparsable url (not shown)'))
}

export function resolveMonitors(r: Resolver, input: PerfConfigBase, name: string): ResolvedMonitorsConfig {
  const m = input.monitors
  const d = DEFAULTS.monitors
  const o = m ?? {}
  // thresholds in their metric's unit (resolve-alerts.ts, deferred: loaded only when there are alerts)
  const alerts = o.alerts && Object.keys(o.alerts).length > 0 ? resolveAlerts(r, o.alerts) : {}
  const p = o.prometheus
  let prometheus: ResolvedMonitorsConfig['prometheus'] = false
  if (p && 'port' in p) {
    prometheus = { port: p.port, host: p.host ?? d.host, path: p.path ?? d.path }
    checkServer(r, prometheus.host, prometheus.path)
  } else if (p && 'file' in p) prometheus = { file: r.path(p.file, 'monitors.prometheus.file') }
  else if (p && 'pushgateway' in p) {
    prometheus = { pushgateway: p.pushgateway, job: p.job ?? name, grouping: grouping(r, p.grouping) }
    checkPushgateway(r, p.pushgateway)
  }
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
