/**
 * `monitors.alerts`: each rule's thresholds in its metric's raw unit, the unit decided by the one
 * table (src/runtime/monitors/metric-kinds.ts): `'system.disk.used': '50GB'`, `'cpu.percent': '90%'`,
 * `'eventLoop.utilization': '90%'` (= 0.9), `'system.network.rxSec': '10MB/s'`. A plain number is
 * the raw unit (bytes, ms, bytes/s, percent, fraction), as it always was.
 *
 * A deferred module (scripts/build.mjs): the table and these parsers load only for a config with
 * alerts, never as part of the start script.
 */
import { METRIC_KINDS, THRESHOLD_EXPECTED, metricKind, type MetricKind } from '../runtime/monitors/metric-kinds.js'
import { didYouMean } from './did-you-mean.js'
import { keyPath } from './key-path.js'
import type { Resolver } from './resolver.js'
import type { ResolvedAlertRule } from './resolved-types.js'
import { parseDuration, parseSize } from './units.js'

export function resolveAlerts(r: Resolver, alerts: Record<string, unknown>): Record<string, ResolvedAlertRule> {
  const out: Record<string, ResolvedAlertRule> = {}
  for (const [metric, rule] of Object.entries(alerts)) {
    if (rule === undefined) continue // an absent key, as in TypeScript's optional properties
    const path = keyPath('monitors.alerts', metric)
    const kind = metricKind(metric)
    if (kind === undefined) {
      r.issue(path, `a metric a monitor samples${didYouMean(metric, Object.keys(METRIC_KINDS))} (one of ${Object.keys(METRIC_KINDS).join(', ')})`, metric)
      continue
    }
    out[metric] = resolveRule(r, kind, rule, path)
  }
  return out
}

/** A threshold of `kind` in its raw unit; undefined when `value` is not one. */
export function parseThreshold(kind: MetricKind, value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined
    if (kind === 'size' || kind === 'rate') return parseSize(value)
    return kind === 'ratio' && value > 1 ? undefined : value
  }
  if (typeof value !== 'string') return undefined
  switch (kind) {
    case 'size': return parseSize(value)
    case 'duration': return parseDuration(value)
    // per second whether written '10MB/s' or '10MB': the metric is a rate, there is no other time base
    case 'rate': return parseSize(value.replace(/\/\s*s\s*$/, ''))
    case 'percent':
    case 'ratio': {
      const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value)
      const percent = match ? Number(match[1]) : undefined
      if (percent === undefined || kind === 'percent') return percent
      return percent <= 100 ? percent / 100 : undefined
    }
    default: return undefined
  }
}

// --- internal ---

function resolveRule(r: Resolver, kind: MetricKind, rule: unknown, path: string): ResolvedAlertRule {
  const threshold = (value: unknown, at: string): number => {
    const parsed = parseThreshold(kind, value)
    if (parsed === undefined) r.issue(at, THRESHOLD_EXPECTED[kind], value)
    return parsed ?? 0
  }
  if (typeof rule !== 'object' || rule === null) return { above: threshold(rule, path), for: 0 }
  const { above, below, for: hold } = rule as { above?: unknown; below?: unknown; for?: unknown }
  if (above === undefined && below === undefined) r.issue(path, '{ above } or { below } (or both)', rule)
  const resolved: ResolvedAlertRule = {
    ...(above !== undefined && { above: threshold(above, `${path}.above`) }),
    ...(below !== undefined && { below: threshold(below, `${path}.below`) }),
    for: hold === undefined ? 0 : r.duration(hold, `${path}.for`),
  }
  // breached = above `above` OR below `below`: both with above < below is every value, an alert that
  // never resolves (a band to stay inside is { above: high, below: low })
  if (resolved.above !== undefined && resolved.below !== undefined && resolved.above < resolved.below) {
    r.issue(`${path}.below`, `a threshold at most above (${resolved.above}): a value above 'above' or below 'below' fires, so with below > above every value does; to stay inside a band use { above: high, below: low }`, resolved.below)
  }
  return resolved
}
