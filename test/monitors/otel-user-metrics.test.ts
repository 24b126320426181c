/**
 * The user's perf.metrics reach OpenTelemetry at close with unperf's own metrics: each counter, gauge
 * and histogram as the instrument of its type on the host's global meter, labels as attributes, names
 * in OpenTelemetry's conventions (no prefix, no `_total`, the unit suffix as `unit`), a histogram's
 * buckets as its boundaries with each bucket's count, the count, sum, min and max as recorded. The
 * real SDK: a MeterProvider with a PeriodicExportingMetricReader into an InMemoryMetricExporter, which
 * only close's flush fills (its own timer is an hour off). Naming and the replay in detail:
 * test/metrics/otel-replay.test.ts.
 */
import { metrics, type Meter } from '@opentelemetry/api'
import {
  AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader,
  type Histogram as HistogramValue, type MetricData,
} from '@opentelemetry/sdk-metrics'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { MetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { exportUserMetrics } from '../../src/runtime/otel-user-metrics.js'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'
import { emptySources } from './_config.js'

// one global provider for the file (the API refuses a second registration); cumulative: each test uses names of its own
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const provider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })] })
metrics.setGlobalMeterProvider(provider)
afterAll(async () => {
  metrics.disable()
  await provider.shutdown()
})
beforeEach(() => { exporter.reset() })

/** The metrics of the last export, of one instrumentation scope. */
function exported(scope: string): Map<string, MetricData> {
  const last = exporter.getMetrics().at(-1)
  const all = (last?.scopeMetrics ?? []).filter(s => s.scope.name === scope).flatMap(s => s.metrics)
  return new Map(all.map(m => [m.descriptor.name, m]))
}

const perfWithOtel = (serviceName: string) => createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
  name: '@acme/cli', cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: { serviceName } },
} })

describe("user metrics in the OpenTelemetry export", () => {
  it("a counter, a gauge and a histogram reach the host's global meter, next to unperf's own", async () => {
    const perf = await perfWithOtel('acme-cli')
    const jobs = perf.metrics.counter('jobs', 'Jobs done.', { labelNames: ['kind'] })
    await perf.run('build', () => {
      jobs.inc(1, { kind: 'a' })
      jobs.labels('b').inc(3)
      jobs.inc(2, { kind: 'a' })
    })
    perf.metrics.counter('retries_total', 'Retries.')
    const depth = perf.metrics.gauge('queue_depth', 'Queue depth.', { labelNames: ['queue'] })
    depth.set(5, { queue: 'x' })
    depth.dec(1, { queue: 'x' })
    depth.labels('y').set(2)
    const latency = perf.metrics.histogram('request_duration_seconds', 'Request latency.', { labelNames: ['route'], buckets: [0.01, 0.1, 1] })
    for (const v of [0.005, 0.05, 0.1, 0.5, 2]) latency.observe(v, { route: '/a' })
    latency.labels('/b').observe(0.02)
    const seconds = latency.startTimer({ route: '/b' })()
    await perf.close()

    const got = exported('acme-cli')
    expect(got.has('unperf.command.duration')).toBe(true)
    const counter = got.get('jobs')!
    expect(counter).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true, descriptor: { description: 'Jobs done.', unit: '' } })
    expect(counter.dataPoints.map(p => [p.attributes, p.value])).toEqual([[{ kind: 'a' }, 3], [{ kind: 'b' }, 3]])
    // a counter without labels has its one series from the start, at 0, as in the Prometheus exposition
    expect(got.get('retries')!.dataPoints.map(p => [p.attributes, p.value])).toEqual([[{}, 0]])
    const gauge = got.get('queue_depth')!
    expect(gauge).toMatchObject({ dataPointType: DataPointType.GAUGE, descriptor: { description: 'Queue depth.' } })
    expect(gauge.dataPoints.map(p => [p.attributes, p.value])).toEqual([[{ queue: 'x' }, 4], [{ queue: 'y' }, 2]])

    const histogram = got.get('request_duration')!
    expect(histogram).toMatchObject({ dataPointType: DataPointType.HISTOGRAM, descriptor: { unit: 's', description: 'Request latency.' } })
    const point = (route: string) => histogram.dataPoints.find(p => p.attributes.route === route)!.value as HistogramValue
    expect(point('/a').buckets).toEqual({ boundaries: [0.01, 0.1, 1], counts: [1, 2, 1, 1] })
    expect(point('/a')).toMatchObject({ count: 5, min: 0.005, max: 2 })
    expect(point('/a').sum).toBeCloseTo(2.655, 12)
    expect(point('/b')).toMatchObject({ count: 2, min: Math.min(0.02, seconds), max: Math.max(0.02, seconds) })
    expect(point('/b').sum).toBeCloseTo(0.02 + seconds, 12)
    // the same figures as the registry's own (Prometheus's cumulative buckets)
    const snapshot = await latency.get()
    const bucket = (le: number | string) => snapshot.values.find(v => v.labels.route === '/a' && v.labels.le === le)!.value
    expect([bucket(0.01), bucket(0.1), bucket(1), bucket('+Inf')]).toEqual([1, 3, 4, 5])
  })

  it('an instance that never used perf.metrics exports its own metrics only, and warns of nothing', async () => {
    const perf = await perfWithOtel('no-user-metrics')
    await perf.run('lint', () => {})
    const report = await perf.close()
    expect(report.warnings ?? []).toEqual([])
    const names = [...exported('no-user-metrics').keys()]
    expect(names).toContain('unperf.command.duration')
    expect(names.filter(name => !name.startsWith('unperf.'))).toEqual([])
  })

  it("a gauge where the host's SDK has no createGauge (before sdk-metrics 1.25): an ObservableGauge of the values at close", async () => {
    const registry = new MetricsRegistry('acme', emptySources())
    const temperature = registry.gauge('temperature_celsius', 'Temperature.', { labelNames: ['room'] })
    temperature.set(21.5, { room: 'a' })
    temperature.set(19, { room: 'b' })
    const sdk = metrics.getMeter('old-sdk')
    const meter = {
      createCounter: sdk.createCounter.bind(sdk),
      createHistogram: sdk.createHistogram.bind(sdk),
      createObservableGauge: sdk.createObservableGauge.bind(sdk),
    } as unknown as Meter
    exportUserMetrics(meter, { prefix: registry.prefix, metrics: registry._userMetrics() })
    temperature.set(30, { room: 'a' }) // after the export: not what it sends
    await provider.forceFlush()
    const gauge = exported('old-sdk').get('temperature')!
    expect(gauge).toMatchObject({ dataPointType: DataPointType.GAUGE, descriptor: { unit: 'Cel', type: 'OBSERVABLE_GAUGE' } })
    expect(gauge.dataPoints.map(p => [p.attributes, p.value])).toEqual([[{ room: 'a' }, 21.5], [{ room: 'b' }, 19]])
  })
})
