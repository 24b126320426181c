/**
 * The one table of monitor metrics and their kinds (src/runtime/monitors/metric-kinds.ts) covers
 * every number a monitor emits, and the Prometheus gauges, the docs and the display follow it.
 * The unit of an alert metric was decided twice (config: `alertValue`, display: `metricValue`),
 * and the two disagreed: `system.disk.used` read `51.2 GB` in `unperf monitor` but its alert took
 * bytes only, `cpu.user` read in ms but took a plain number.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatMetric } from '../../src/config/units.js'
import type { MonitorSample } from '../../src/hooks/types.js'
import { SAMPLE_GAUGES } from '../../src/runtime/metrics/own.js'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { startMonitors } from '../../src/runtime/monitors/index.js'
import { METRIC_KINDS, RAW_UNITS, SAMPLE_TIMESTAMPS, type MetricKind } from '../../src/runtime/monitors/metric-kinds.js'
import { emptySources, monitorContext } from './_config.js'

/** Every numeric leaf of a sample, as its dot path. */
function numericPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix]
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, v]) => numericPaths(v, prefix ? `${prefix}.${key}` : key))
}

describe('the metric table', () => {
  it('names every number a monitor emits (every sampler on, the host too), and nothing it never emits', async () => {
    const ctx = monitorContext({ system: true })
    const monitor = startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources())
    try {
      await monitor.ready()
      const sample = monitor.sample()
      const emitted = numericPaths(sample).filter(p => !SAMPLE_TIMESTAMPS.includes(p)).sort()
      expect(emitted.filter(p => !(p in METRIC_KINDS)), 'emitted but not in METRIC_KINDS').toEqual([])
      expect(Object.keys(METRIC_KINDS).filter(p => !emitted.includes(p)), 'in METRIC_KINDS but never emitted').toEqual([])
    } finally {
      await monitor.stop()
    }
  }, 20_000)

  it("Prometheus gauges fed from samples end in their kind's base unit (_seconds, _bytes, _ratio, …): durations in seconds, percents as ratios 0–1", () => {
    const suffix: Record<MetricKind, RegExp> = {
      duration: /_seconds$/, size: /(?<!_per_second)_bytes$/, rate: /_bytes_per_second$/, percent: /_ratio$/, ratio: /_ratio$/, number: /^(?!.*_(seconds|bytes|percent|ratio|total)$)/,
    }
    for (const [name, , metric] of SAMPLE_GAUGES) expect(name, metric).toMatch(suffix[METRIC_KINDS[metric]])
    const sample: MonitorSample = { time: 0, eventLoop: { p50: 1, p99: 250, max: 300, mean: 2, utilization: 0.5 }, cpu: { percent: 12.5, user: 10, system: 2 } }
    const text = createMetricsRegistry('acme', emptySources({ lastSample: () => sample })).expose()
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds 0\.25$/m)
    expect(text).toMatch(/^nodejs_eventloop_utilization_ratio 0\.5$/m)
    // (it was acme_process_cpu_percent 12.5: Prometheus' base unit for a percent is a ratio, 0–1)
    expect(text).toMatch(/^acme_process_cpu_ratio 0\.125$/m)
    expect(text).not.toMatch(/_percent/)
    // the division leaves no float noise in the exposition (it read acme_process_cpu_ratio 0.013000000000000001)
    const noisy: MonitorSample = { time: 0, eventLoop: { p50: 1, p99: 1.1, max: 3, mean: 0.7, utilization: 0.5 }, cpu: { percent: 1.3, user: 10, system: 2 } }
    const clean = createMetricsRegistry('acme', emptySources({ lastSample: () => noisy })).expose()
    expect(clean).toMatch(/^acme_process_cpu_ratio 0\.013$/m)
    expect(clean).toMatch(/^nodejs_eventloop_lag_p99_seconds 0\.0011$/m)
    expect(clean).toMatch(/^nodejs_eventloop_lag_seconds 0\.0007$/m)
  })

  it('docs/monitors.md has a row per metric with its kind and raw unit', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/monitors.md'), 'utf8')
    const rows = new Map<string, string>()
    for (const m of docs.matchAll(/^\| `([\w.]+)` \| (\w+) \| ([^|]+) \|/gm)) rows.set(m[1]!, `${m[2]} ${m[3]!.trim()}`)
    for (const [metric, kind] of Object.entries(METRIC_KINDS)) expect(rows.get(metric), metric).toBe(`${kind} ${RAW_UNITS[kind]}`)
  })

  it('shows each kind in its unit', () => {
    expect(formatMetric('size', 51_200_000_000)).toBe('51.2 GB')
    expect(formatMetric('duration', 4.12)).toBe('4.12 ms')
    expect(formatMetric('rate', 1_200_000)).toBe('1.20 MB/s')
    expect(formatMetric('percent', 90)).toBe('90.0 %')
    expect(formatMetric('ratio', 0.9)).toBe('90.0 %')
    expect(formatMetric('number', 0.123456)).toBe('0.123')
  })
})
