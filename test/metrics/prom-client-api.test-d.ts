/**
 * prom-client's calls on user metrics (labels(), startTimer(), setToCurrentTime(), reset(), get())
 * are typed from `unperf`'s exports, with no `any`: a timer's end returns the seconds, get() resolves
 * to prom-client's `{ name, help, type, values, aggregator }`.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type {
  Counter, CounterChild, Gauge, GaugeChild, Histogram, HistogramChild, MetricSnapshot, MetricSnapshotValue, MetricTimerEnd, Perf,
} from '../../src/index.js'

declare const perf: Perf

describe('user metrics: prom-client\'s calls', () => {
  it('labels() takes an object or one value per label name, and gives each type its child', () => {
    const requests = perf.metrics.counter('requests', 'Requests.', { labelNames: ['method', 'route'] })
    expectTypeOf(requests).toEqualTypeOf<Counter<'method' | 'route'>>()
    expectTypeOf(requests.labels('GET', '/a')).toEqualTypeOf<CounterChild>()
    expectTypeOf(requests.labels({ method: 'GET', route: '/a' })).toEqualTypeOf<CounterChild>()
    expectTypeOf(requests.labels('GET', 200)).toEqualTypeOf<CounterChild>()
    expectTypeOf(requests.labels('GET').inc).toEqualTypeOf<(value?: number) => void>()
    // @ts-expect-error a label value is a string or a number
    requests.labels('GET', true)
    // @ts-expect-error an object comes alone
    requests.labels({ method: 'GET' }, '/a')
    // @ts-expect-error a child's labels are bound: inc() takes the value only
    requests.labels('GET').inc(1, { route: '/a' })
    expectTypeOf(perf.metrics.gauge('g', 'G.').labels('x')).toEqualTypeOf<GaugeChild>()
    expectTypeOf(perf.metrics.histogram('h', 'H.').labels('x')).toEqualTypeOf<HistogramChild>()
  })

  it('startTimer() returns an end giving the seconds; setToCurrentTime(); reset(); get()', () => {
    const latency: Histogram = perf.metrics.histogram('latency_seconds', 'Latency.', { labelNames: ['route', 'code'] })
    const end = latency.startTimer({ route: '/a' })
    expectTypeOf(end).toEqualTypeOf<MetricTimerEnd>()
    expectTypeOf(end({ code: 200 })).toBeNumber()
    expectTypeOf(latency.labels('/a', 200).startTimer()()).toBeNumber()
    const gauge: Gauge = perf.metrics.gauge('last_run', 'Last run.')
    expectTypeOf(gauge.startTimer()).toEqualTypeOf<MetricTimerEnd>()
    expectTypeOf(gauge.setToCurrentTime()).toBeVoid()
    expectTypeOf(gauge.labels().setToCurrentTime).toEqualTypeOf<() => void>()
    expectTypeOf(gauge.reset()).toBeVoid()
    expectTypeOf(latency.get()).toEqualTypeOf<Promise<MetricSnapshot>>()
    expectTypeOf<MetricSnapshot>().toEqualTypeOf<{
      name: string; help: string; type: 'counter' | 'gauge' | 'histogram'; values: MetricSnapshotValue[]; aggregator: 'sum'
    }>()
    expectTypeOf<MetricSnapshotValue['metricName']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<MetricSnapshotValue['labels']>().toEqualTypeOf<{ [label: string]: string | number }>()
    // the value-first calls are unchanged
    expectTypeOf(perf.metrics.counter('jobs', 'Jobs.').inc).toEqualTypeOf<(value?: number, labels?: { [label: string]: string | number }) => void>()
  })
})
