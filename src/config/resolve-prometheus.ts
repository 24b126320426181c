/**
 * monitors.prometheus: the server, the file or the pushgateway, with what the schema lets through but
 * would not work as meant. Only with an exporter configured: a deferred module (scripts/build.mjs), as
 * resolve-alerts.ts is, off the start path of every other config.
 */
import { NotShown } from '../errors.js'
import { DEFAULTS } from './defaults.js'
import { keyPath } from './key-path.js'
import type { Resolver } from './resolver.js'
import type { PrometheusConfig, ResolvedMonitorsConfig } from './types.js'

export function resolvePrometheus(r: Resolver, p: PrometheusConfig, name: string): ResolvedMonitorsConfig['prometheus'] {
  const d = DEFAULTS.monitors
  if ('port' in p) {
    const prometheus = { port: p.port, host: p.host ?? d.host, path: p.path ?? d.path }
    checkServer(r, prometheus.host, prometheus.path)
    return prometheus
  }
  if ('file' in p) return { file: r.path(p.file, 'monitors.prometheus.file') }
  if ('pushgateway' in p) {
    const prometheus = { pushgateway: p.pushgateway, job: p.job ?? name, grouping: grouping(r, p.grouping) }
    checkPushgateway(r, p.pushgateway)
    return prometheus
  }
  return false
}

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
