/**
 * Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, one line per sample,
 * label values escaped, histograms as cumulative `le` buckets with `+Inf`, `_sum` and `_count`.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 * (The counts themselves are gathered in histogram-data.ts, on the start path; this file is not.)
 */
import type { MetricLabels } from '../types.js'
import type { HistogramData } from './histogram-data.js'

export type MetricType = 'counter' | 'gauge' | 'histogram'

/** Content-Type of the text format, for `/metrics` and the pushgateway. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface MetricFamily {
  name: string
  help: string
  type: MetricType
  /** Counter and gauge samples. */
  values?: Array<{ labels: MetricLabels; value: number }>
  /** Histogram series. */
  histograms?: Array<{ labels: MetricLabels; data: HistogramData }>
}

/** Renders metric families; families with no samples still get HELP/TYPE lines. */
export function renderFamilies(families: Iterable<MetricFamily>): string {
  let out = ''
  for (const family of families) {
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`
    if (family.type === 'histogram') {
      for (const { labels, data } of family.histograms ?? []) out += renderHistogram(family.name, labels, data)
    } else {
      for (const { labels, value } of family.values ?? []) out += `${family.name}${renderLabels(labels)} ${formatValue(value)}\n`
    }
  }
  return out
}

function renderHistogram(name: string, labels: MetricLabels, data: HistogramData): string {
  let out = ''
  let cumulative = 0
  for (let i = 0; i < data.buckets.length; i++) {
    cumulative += data.counts[i]!
    out += `${name}_bucket${renderLabels(labels, formatValue(data.buckets[i]!))} ${cumulative}\n`
  }
  out += `${name}_bucket${renderLabels(labels, '+Inf')} ${data.count}\n`
  out += `${name}_sum${renderLabels(labels)} ${formatValue(data.sum)}\n`
  out += `${name}_count${renderLabels(labels)} ${data.count}\n`
  return out
}

export function renderLabels(labels: MetricLabels, le?: string): string {
  const parts: string[] = []
  for (const key in labels) parts.push(`${key}="${escapeLabelValue(String(labels[key]))}"`)
  if (le !== undefined) parts.push(`le="${le}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

/** Label values: backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** HELP text: backslash and line feed are escaped. */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}
