/**
 * prom-client's calls a user reaches for (session 30): `labels()` (an object or one value per label
 * name), `startTimer()` → `end(moreLabels?)` returning seconds, `gauge.setToCurrentTime()`, `reset()`
 * and `await metric.get()` in prom-client's shape. The value-first calls are unchanged, and
 * prom-client's labels-first order still throws its MetricError. (The exports of a real process:
 * test/monitors/user-metrics-export.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import type { MetricLabels } from '../../src/runtime/types.js'
import { emptySources } from '../monitors/_config.js'
import { family, histogramSeries, parsePrometheus } from './_prom.js'

const registry = () => createMetricsRegistry('app', emptySources())
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('labels()', () => {
  it('binds a label set given as an object or as values in labelNames order; the child records into that series', () => {
    const metrics = registry()
    const requests = metrics.counter('requests', 'Requests.', { labelNames: ['method', 'code'] })
    requests.labels('GET', 200).inc()
    requests.labels({ method: 'GET', code: 200 }).inc(2)
    requests.inc(1, { method: 'GET', code: '200' }) // the same series: values are compared as text
    requests.labels({ method: 'POST' }).inc() // a subset, as prom-client allows
    const depth = metrics.gauge('depth', 'Depth.', { labelNames: ['queue'] })
    const q = depth.labels('a')
    q.set(5); q.inc(); q.dec(3)
    const wait = metrics.histogram('wait_seconds', 'Wait.', { labelNames: ['queue'], buckets: [1] })
    wait.labels('a').observe(0.5)
    wait.labels({ queue: 'a' }).observe(2)
    const text = metrics.expose()
    const families = parsePrometheus(text)
    expect(family(families, 'app_requests_total').metrics).toEqual([
      { value: '4', labels: { method: 'GET', code: '200' } },
      { value: '1', labels: { method: 'POST' } },
    ])
    expect(family(families, 'app_depth').metrics).toEqual([{ value: '3', labels: { queue: 'a' } }])
    expect(histogramSeries(text, 'app_wait_seconds')).toEqual([{ labels: { queue: 'a' }, buckets: { '1': '1', '+Inf': '2' }, count: '2', sum: '2.5' }])
  })

  it('checks the label set when called, not at the first record: a wrong count, an undeclared label, a value that is no string or number', () => {
    const metrics = registry()
    const requests = metrics.counter('requests', 'Requests.', { labelNames: ['method', 'route'] })
    expect(() => requests.labels('GET')).toThrow(expect.objectContaining({
      code: 'E_METRIC', metric: 'app_requests_total',
      message: `[unperf] metric 'app_requests_total': labels("GET") gives 1 value for 2 label names (method, route): one value per name, in that order, or an object (labels({ method: 'x' }))`,
    }))
    expect(() => requests.labels('GET', '/a', 'extra')).toThrow(/gives 3 values for 2 label names/)
    expect(() => requests.labels()).toThrow(/labels\(\) gives 0 values for 2 label names/)
    expect(() => metrics.counter('plain', 'Plain.').labels('x')).toThrow(`metric 'app_plain_total': labels("x") gives 1 value, and it was registered without labelNames: labels() takes none (or declare them: { labelNames: [...] })`)
    // @ts-expect-error an undeclared label: a type error (labelNames typed), and checked at run time for JavaScript callers
    expect(() => requests.labels({ method: 'GET', status: 200 })).toThrow(/unknown label 'status' \(declared: method, route\)/)
    expect(() => requests.labels('GET', undefined as unknown as string)).toThrow(/label 'route' must be a string or a number, got undefined/)
    expect(() => requests.labels('GET', ['/a'] as unknown as string)).toThrow(/label 'route' must be a string or a number/)
    // a metric without labels: labels() is its one series
    const plain = metrics.gauge('plain_gauge', 'Plain.')
    plain.labels().set(7)
    expect(family(parsePrometheus(metrics.expose()), 'app_plain_gauge').metrics).toEqual([{ value: '7' }])
    // nothing was recorded by the refused calls
    expect(family(parsePrometheus(metrics.expose()), 'app_requests_total').metrics).toEqual([])
  })

  it("a child's calls take the value only; a bad one throws and records nothing", () => {
    const metrics = registry()
    const requests = metrics.counter('requests', 'Requests.', { labelNames: ['route'] })
    const child = requests.labels('/a')
    expect(() => child.inc(-1)).toThrow(/counter 'app_requests_total': cannot decrease \(inc\(-1\)\)/)
    expect(() => child.inc(NaN)).toThrow(/value must be a finite number, got NaN/)
    expect(() => (child.inc as (v: unknown) => void)({ route: '/b' })).toThrow(
      `metric 'app_requests_total': labels(...).inc() takes the value only (the labels are the ones labels() was given), got an object ({"route":"/b"})`)
    expect(() => (metrics.gauge('g', 'G.', { labelNames: ['q'] }).labels('a').set as (v: unknown) => void)('3')).toThrow(/value must be a number, got "3"/)
    expect(() => metrics.histogram('h', 'H.', { labelNames: ['q'] }).labels('a').observe(NaN)).toThrow(/observe\(\) expects a number, got NaN/)
    expect(family(parsePrometheus(metrics.expose()), 'app_requests_total').metrics).toEqual([])
  })

  it("prom-client's labels-first order still throws its MetricError, value-first calls still work", () => {
    const metrics = registry()
    const jobs = metrics.counter('jobs', 'Jobs.', { labelNames: ['kind'] })
    expect(() => (jobs.inc as unknown as (l: MetricLabels) => void)({ kind: 'a' })).toThrow(/the value comes first, the labels second: inc\(1, \{ kind: 'a' \}\)/)
    jobs.inc(2, { kind: 'a' })
    expect(family(parsePrometheus(metrics.expose()), 'app_jobs_total').metrics).toEqual([{ value: '2', labels: { kind: 'a' } }])
  })
})

describe('startTimer()', () => {
  it("a histogram's timer observes the seconds since its start under the start's labels merged with the end's, and returns them", async () => {
    const metrics = registry()
    const latency = metrics.histogram('latency_seconds', 'Latency.', { labelNames: ['route', 'code'], buckets: [0.001, 10] })
    const end = latency.startTimer({ route: '/a' })
    const child = latency.labels('/b', 500).startTimer()
    await sleep(20)
    const seconds = end({ code: 200 })
    const childSeconds = child()
    for (const s of [seconds, childSeconds]) {
      expect(s).toBeGreaterThanOrEqual(0.015)
      expect(s).toBeLessThan(60)
    }
    const series = histogramSeries(metrics.expose(), 'app_latency_seconds')
    expect(series).toEqual([
      { labels: { route: '/a', code: '200' }, buckets: { '0.001': '0', '10': '1', '+Inf': '1' }, count: '1', sum: String(seconds) },
      { labels: { route: '/b', code: '500' }, buckets: { '0.001': '0', '10': '1', '+Inf': '1' }, count: '1', sum: String(childSeconds) },
    ])
    // each end records again, as prom-client's
    end({ code: 200 })
    expect(histogramSeries(metrics.expose(), 'app_latency_seconds')[0]!.count).toBe('2')
  })

  it("a gauge's timer sets the seconds elapsed; setToCurrentTime() sets the wall clock's seconds since the epoch", async () => {
    const metrics = registry()
    const last = metrics.gauge('last_seconds', 'Last.', { labelNames: ['job'] })
    const end = last.startTimer({ job: 'build' })
    const endChild = last.labels('child').startTimer()
    await sleep(10)
    const seconds = end()
    const childSeconds = endChild()
    expect(childSeconds).toBeGreaterThanOrEqual(0.005)
    last.labels('stamp').setToCurrentTime()
    const before = Date.now() / 1000
    const plain = metrics.gauge('stamp_seconds', 'Stamp.')
    plain.setToCurrentTime()
    const after = Date.now() / 1000
    const families = parsePrometheus(metrics.expose())
    expect(family(families, 'app_last_seconds').metrics).toContainEqual({ value: String(seconds), labels: { job: 'build' } })
    expect(family(families, 'app_last_seconds').metrics).toContainEqual({ value: String(childSeconds), labels: { job: 'child' } })
    const stamp = Number(family(families, 'app_stamp_seconds').metrics[0]!.value)
    // clock.ts's epoch time is Date.now() + 0.5 ms centred: within a ms of the reads around it
    expect(stamp).toBeGreaterThanOrEqual(before - 0.001)
    expect(stamp).toBeLessThanOrEqual(after + 0.002)
    expect(Number(family(families, 'app_last_seconds').metrics.find(m => m.labels?.job === 'stamp')!.value)).toBeCloseTo(stamp, 0)
  })

  it("checks the start's labels at the start and the end's at the end", () => {
    const metrics = registry()
    const latency = metrics.histogram('latency_seconds', 'Latency.', { labelNames: ['route'] })
    // @ts-expect-error an undeclared label: a type error (labelNames typed), and checked at run time for JavaScript callers
    expect(() => latency.startTimer({ path: '/a' })).toThrow(/unknown label 'path'/)
    const end = latency.startTimer()
    // @ts-expect-error as above
    expect(() => end({ code: 200 })).toThrow(/unknown label 'code' \(declared: route\)/)
    expect(() => (end as (l: unknown) => number)(200)).toThrow(/a timer's end takes labels as an object \(end\(\{ code: 200 \}\)\) or nothing, got 200/)
    expect(histogramSeries(metrics.expose(), 'app_latency_seconds')).toEqual([])
  })
})

describe('reset() and get()', () => {
  it('reset() drops every series: without labels back at 0 (a histogram at zero buckets), with labels none', async () => {
    const metrics = registry()
    const plain = metrics.counter('plain', 'Plain.')
    const labelled = metrics.gauge('labelled', 'Labelled.', { labelNames: ['k'] })
    const hist = metrics.histogram('h_seconds', 'H.', { buckets: [1] })
    plain.inc(3); labelled.set(2, { k: 'a' }); hist.observe(0.5)
    plain.reset(); labelled.reset(); hist.reset()
    const text = metrics.expose()
    const families = parsePrometheus(text)
    expect(family(families, 'app_plain_total').metrics).toEqual([{ value: '0' }])
    expect(family(families, 'app_labelled').metrics).toEqual([])
    expect(histogramSeries(text, 'app_h_seconds')).toEqual([{ labels: {}, buckets: { '1': '0', '+Inf': '0' }, count: '0', sum: '0' }])
    // recording goes on after a reset, as the same metric (the same object from a second registration)
    metrics.counter('plain', 'Plain.').inc()
    expect(family(parsePrometheus(metrics.expose()), 'app_plain_total').metrics).toEqual([{ value: '1' }])
    expect((await plain.get()).values).toEqual([{ value: 1, labels: {} }])
  })

  it("get() resolves to prom-client's shape: a labelled metric with no series has no values, a histogram's are its _bucket/_sum/_count samples", async () => {
    const metrics = registry()
    const requests = metrics.counter('requests', 'Requests.', { labelNames: ['route'] })
    expect(await requests.get()).toEqual({ name: 'app_requests_total', help: 'Requests.', type: 'counter', values: [], aggregator: 'sum' })
    requests.labels('/a').inc(2)
    expect((await requests.get()).values).toEqual([{ value: 2, labels: { route: '/a' } }])
    expect(await metrics.gauge('depth', 'Depth.').get()).toEqual({ name: 'app_depth', help: 'Depth.', type: 'gauge', values: [{ value: 0, labels: {} }], aggregator: 'sum' })
    const hist = metrics.histogram('wait_seconds', 'Wait.', { buckets: [0.1, 1] })
    hist.observe(0.5)
    hist.observe(0.05)
    expect(await hist.get()).toEqual({
      name: 'app_wait_seconds', help: 'Wait.', type: 'histogram', aggregator: 'sum',
      values: [
        { labels: { le: 0.1 }, value: 1, metricName: 'app_wait_seconds_bucket' },
        { labels: { le: 1 }, value: 2, metricName: 'app_wait_seconds_bucket' },
        { labels: { le: '+Inf' }, value: 2, metricName: 'app_wait_seconds_bucket' },
        { labels: {}, value: 0.55, metricName: 'app_wait_seconds_sum' },
        { labels: {}, value: 2, metricName: 'app_wait_seconds_count' },
      ],
    })
    // a snapshot: recording after get() does not change what it gave
    const snapshot = await requests.get()
    requests.labels('/a').inc()
    snapshot.values[0]!.labels.route = '/changed'
    expect((await requests.get()).values).toEqual([{ value: 3, labels: { route: '/a' } }])
    expect(snapshot.values[0]!.value).toBe(2)
  })
})
