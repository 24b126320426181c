/**
 * Typed label names: `labelNames` written as literals type the labels a metric's calls take, as
 * prom-client's `Counter<T extends string>` (`inc(1, { rout: 'x' })` is a type error); without them,
 * or with a `string[]`, any name type-checks as before, and every existing annotation still compiles.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { Counter, Gauge, GaugeChild, Histogram, HistogramChild, MetricLabels, MetricTimerEnd, Perf } from '../../src/index.js'

declare const perf: Perf

describe('typed label names', () => {
  it("a counter's inc() and labels() take the declared names only, `as const` or not", () => {
    const requests = perf.metrics.counter('requests', 'Requests.', { labelNames: ['route', 'code'] as const })
    expectTypeOf(requests).toEqualTypeOf<Counter<'route' | 'code'>>()
    requests.inc(1, { route: 'x' })
    requests.inc(1, { route: '/a', code: 200 })
    requests.inc()
    // @ts-expect-error a misspelt label name
    requests.inc(1, { rout: 'x' })
    // @ts-expect-error an undeclared one beside a declared one
    requests.inc(1, { route: 'x', method: 'GET' })
    const given = { rout: 'x' }
    // @ts-expect-error a label set held in a variable, none of whose names is declared
    requests.inc(1, given)
    requests.labels({ code: 500 }).inc()
    requests.labels('/a', 200).inc()
    // @ts-expect-error labels() checks the names too
    requests.labels({ rout: 'x' })
    // @ts-expect-error a label value is a string or a number
    requests.inc(1, { route: true })
    // without `as const`: the literals are kept all the same
    expectTypeOf(perf.metrics.counter('jobs', 'Jobs.', { labelNames: ['kind'] })).toEqualTypeOf<Counter<'kind'>>()
  })

  it("a gauge's and a histogram's calls, their children's timers and a timer's end", () => {
    const depth = perf.metrics.gauge('depth', 'Depth.', { labelNames: ['queue'] })
    depth.set(3, { queue: 'a' })
    depth.inc(1, { queue: 'a' })
    depth.dec(1, { queue: 'a' })
    depth.setToCurrentTime({ queue: 'a' })
    // @ts-expect-error
    depth.set(3, { queu: 'a' })
    // @ts-expect-error
    depth.dec(1, { q: 'a' })
    expectTypeOf(depth.labels('a')).toEqualTypeOf<GaugeChild<'queue'>>()
    const latency = perf.metrics.histogram('latency_seconds', 'Latency.', { labelNames: ['route', 'code'], buckets: [0.1, 1] as const })
    expectTypeOf(latency).toEqualTypeOf<Histogram<'route' | 'code'>>()
    latency.observe(0.2, { route: '/a' })
    // @ts-expect-error
    latency.observe(0.2, { path: '/a' })
    const end = latency.startTimer({ route: '/a' })
    expectTypeOf(end).toEqualTypeOf<MetricTimerEnd<'route' | 'code'>>()
    end({ code: 200 })
    // @ts-expect-error the end's labels are checked too
    end({ status: 200 })
    expectTypeOf(latency.labels('/a')).toEqualTypeOf<HistogramChild<'route' | 'code'>>()
    // @ts-expect-error a child's timer end takes the metric's names only
    latency.labels('/a').startTimer()({ cod: 200 })
    // @ts-expect-error
    depth.labels('a').startTimer()({ queues: 'b' })
  })

  it('without labelNames, or with a string[]: any name type-checks (checked when recorded), as before; with none declared, none', () => {
    const plain = perf.metrics.counter('plain', 'Plain.')
    expectTypeOf(plain).toEqualTypeOf<Counter>()
    expectTypeOf(plain).toEqualTypeOf<Counter<string>>()
    plain.inc(1, { anything: 'x' })
    const names: string[] = ['route']
    const dynamic = perf.metrics.gauge('dynamic', 'Dynamic.', { labelNames: names })
    expectTypeOf(dynamic).toEqualTypeOf<Gauge>()
    dynamic.set(1, { whatever: 1 })
    const none = perf.metrics.histogram('h', 'H.', { labelNames: [] })
    none.observe(1)
    none.observe(1, {})
    // @ts-expect-error labelNames: [] declares none
    none.observe(1, { route: '/a' })
    expectTypeOf<MetricLabels>().toEqualTypeOf<{ [label: string]: string | number }>()
    expectTypeOf<MetricLabels<'a' | 'b'>>().toEqualTypeOf<{ a?: string | number; b?: string | number }>()
  })

  it('a typed metric is still assignable where the untyped one was written', () => {
    const counter: Counter = perf.metrics.counter('c', 'C.', { labelNames: ['route'] })
    const gauge: Gauge = perf.metrics.gauge('g', 'G.', { labelNames: ['route'] })
    const histogram: Histogram = perf.metrics.histogram('h2', 'H.', { labelNames: ['route'] })
    const metrics: Array<Counter | Gauge | Histogram> = [counter, gauge, histogram]
    expectTypeOf(metrics).toBeArray()
    const timers: MetricTimerEnd[] = [perf.metrics.histogram('h3', 'H.', { labelNames: ['route'] }).startTimer()]
    expectTypeOf(timers).toBeArray()
  })
})
