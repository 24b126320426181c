/**
 * What a user hands perf.metrics that the exposition cannot hold: refused where it is given, with
 * the metric named, never written into the text (Prometheus drops the whole scrape over one bad line)
 * or left to fail every scrape after.
 */
import { describe, expect, it } from 'vitest'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { emptySources } from '../monitors/_config.js'
import { family, histogramSeries, parsePrometheus } from './_prom.js'
import { readStrict } from './_strict-prom.js'

/** Calls a metric's method as plain JavaScript would (no type checks): a user's wrong value. */
const untyped = <T>(fn: T) => fn as unknown as (...args: unknown[]) => void

describe('perf.metrics: one name, one type', () => {
  it("counter('jobs') and gauge('jobs') (exposed as jobs_total and jobs) throw, in either order", () => {
    const metrics = createMetricsRegistry('app', emptySources())
    metrics.gauge('jobs', 'Jobs waiting.')
    expect(() => metrics.counter('jobs', 'Jobs done.')).toThrow(expect.objectContaining({
      code: 'E_METRIC',
      message: "[unperf] metric 'app_jobs_total' (counter): 'app_jobs' is already registered as the gauge 'app_jobs': choose another name",
    }))
    metrics.counter('hits', 'Hits.')
    expect(() => metrics.gauge('hits', 'Hits now.')).toThrow(/metric 'app_hits' \(gauge\): 'app_hits' is already registered as the counter 'app_hits_total'/)
    metrics.counter('reqs', 'Requests.')
    expect(() => metrics.histogram('reqs', 'Request sizes.')).toThrow(/already registered as the counter 'app_reqs_total'/)
    // the same full name with another type: the type it has is named
    expect(() => metrics.gauge('hits_total', 'x')).toThrow(/'app_hits_total' is already registered as a counter, not a gauge/)
    // the same name and type again is the same metric; other names are fine
    metrics.counter('hits', 'Hits.').inc(2)
    metrics.counter('jobs_done', 'Jobs done.').inc()
    const families = parsePrometheus(metrics.expose())
    expect(family(families, 'app_hits_total').metrics).toEqual([{ value: '2' }])
    expect(family(families, 'app_jobs').type).toBe('GAUGE')
    expect(families.some(f => f.name === 'app_jobs_total' || f.name === 'app_reqs')).toBe(false)
  })

  it('the same name and type with other labelNames or buckets throws, naming both definitions (it was ignored: an observation of 3 landed in +Inf)', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const h = metrics.histogram('h', 'x', { buckets: [1] })
    expect(() => metrics.histogram('h', 'x', { buckets: [5] })).toThrow(expect.objectContaining({
      code: 'E_METRIC',
      message: "[unperf] metric 'app_h' is already registered with labelNames [], buckets [1], not labelNames [], buckets [5]: one name, one definition",
    }))
    metrics.counter('req', 'Requests.', { labelNames: ['route', 'method'] })
    expect(() => metrics.counter('req', 'Requests.', { labelNames: ['route'] })).toThrow(/'app_req_total' is already registered with labelNames \[route, method\], not labelNames \[route\]/)
    // the same definition (labels in any order) is the same metric
    metrics.counter('req', 'Requests.', { labelNames: ['method', 'route'] }).inc(1, { route: '/', method: 'GET' })
    metrics.histogram('h', 'x', { buckets: [1] }).observe(0.5)
    h.observe(3)
    // the buckets it was registered with: 0.5 in le=1, 3 only in +Inf
    expect(histogramSeries(metrics.expose(), 'app_h')).toEqual([{ labels: {}, buckets: { '1': '1', '+Inf': '2' }, count: '2', sum: '3.5' }])
  })
})

describe('perf.metrics: values and help that are not what the exposition holds', () => {
  it('a help that is not a string throws at registration, and later scrapes still work', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    expect(() => metrics.gauge('depth', untyped(undefined) as unknown as string)).toThrow(expect.objectContaining({
      code: 'E_METRIC', message: "[unperf] metric 'app_depth': help must be a string (what the metric measures), got undefined",
    }))
    expect(() => metrics.counter('n', 42 as unknown as string)).toThrow(/metric 'app_n_total': help must be a string/)
    metrics.gauge('ok', 'Fine.').set(1)
    expect(family(parsePrometheus(metrics.expose()), 'app_ok').metrics).toEqual([{ value: '1' }])
  })

  it("an empty (or blank) help throws at registration, as prom-client's does: it rendered '# HELP name ' and said nothing", () => {
    const metrics = createMetricsRegistry('app', emptySources())
    expect(() => metrics.counter('x', '')).toThrow(expect.objectContaining({ code: 'E_METRIC', message: `[unperf] metric 'app_x_total': help must say what the metric measures, got ""` }))
    expect(() => metrics.gauge('y', '  ')).toThrow(expect.objectContaining({ code: 'E_METRIC', metric: 'app_y' }))
    expect(() => metrics.histogram('z', '')).toThrow(/metric 'app_z': help must say/)
    expect(metrics.expose()).not.toMatch(/^# HELP \S+ $/m)
  })

  it('gauge.set() and histogram.observe() refuse a non-number and keep what was recorded', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const depth = metrics.gauge('depth', 'Depth.', { labelNames: ['queue'] })
    depth.set(4, { queue: 'a' })
    expect(() => untyped(depth.set)(undefined, { queue: 'a' })).toThrow(expect.objectContaining({ code: 'E_METRIC', message: "[unperf] metric 'app_depth': value must be a number, got undefined" }))
    expect(() => untyped(depth.set)('5', { queue: 'a' })).toThrow(/value must be a number, got "5"/)
    expect(() => untyped(depth.inc)('2', { queue: 'a' })).toThrow(/value must be a finite number, got "2"/)
    const lat = metrics.histogram('lat_seconds', 'Latency.', { buckets: [0.1, 1] })
    lat.observe(0.5)
    expect(() => untyped(lat.observe)(undefined)).toThrow(/metric 'app_lat_seconds': observe\(\) expects a number, got undefined/)
    expect(() => untyped(lat.observe)('0.5')).toThrow(/observe\(\) expects a number, got "0.5"/)
    expect(() => lat.observe(NaN)).toThrow(/observe\(\) expects a number, got NaN/)
    // NaN and ±Inf are sample values the format has
    depth.set(NaN, { queue: 'b' })

    const text = metrics.expose()
    expect(text).not.toMatch(/ (undefined|00\.5|51)$/m)
    expect(family(parsePrometheus(text), 'app_depth').metrics).toEqual([{ value: '4', labels: { queue: 'a' } }, { value: 'NaN', labels: { queue: 'b' } }])
    expect(histogramSeries(text, 'app_lat_seconds')).toEqual([{ labels: {}, buckets: { '0.1': '0', '1': '1', '+Inf': '1' }, count: '1', sum: '0.5' }])
  })
})

describe("perf.metrics: prom-client's argument order", () => {
  it("labels first (inc({ kind }), set(labels, v), observe(labels, v)) or a { name, help } object: the error says unperf's order, not 'got [object Object]'", () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const jobs = metrics.counter('jobs', 'Jobs.', { labelNames: ['kind'] })
    expect(() => untyped(jobs.inc)({ kind: 'build' })).toThrow(expect.objectContaining({
      code: 'E_METRIC',
      message: "[unperf] metric 'app_jobs_total': value must be a finite number, got an object ({\"kind\":\"build\"}): the value comes first, the labels second: inc(1, { kind: 'build' }) (prom-client takes them the other way round)",
    }))
    const depth = metrics.gauge('depth', 'Depth.', { labelNames: ['queue'] })
    expect(() => untyped(depth.set)({ queue: 'a' }, 3)).toThrow(/value must be a number, got an object \(\{"queue":"a"\}\): the value comes first, the labels second: set\(3, \{ queue: 'a' \}\)/)
    // dec negated it first: 'got NaN'
    expect(() => untyped(depth.dec)({ queue: 'a' })).toThrow(/value must be a finite number, got an object \(\{"queue":"a"\}\): the value comes first, the labels second: dec\(1, \{ queue: 'a' \}\)/)
    const lat = metrics.histogram('lat_seconds', 'Latency.', { labelNames: ['route'] })
    expect(() => untyped(lat.observe)({ route: '/x' }, 0.2)).toThrow(/observe\(\) expects a number, got an object \(\{"route":"\/x"\}\): the value comes first, the labels second: observe\(0\.2, \{ route: '\/x' \}\)/)
    expect(() => untyped(metrics.counter.bind(metrics))({ name: 'reqs', help: 'Requests.' })).toThrow(expect.objectContaining({
      code: 'E_METRIC',
      message: "[unperf] invalid metric name: got an object ({\"name\":\"reqs\",\"help\":\"Requests.\"}): counter(name, help, { labelNames }) takes the name and help as strings: counter('reqs', 'Requests.') (prom-client takes one object)",
    }))
    // nothing was recorded by the refused calls
    expect(parsePrometheus(metrics.expose()).find(f => f.name === 'app_jobs_total')?.metrics ?? []).toEqual([])
  })
})

describe('perf.metrics: options given in the wrong shape', () => {
  it("labelNames: 'route' (a string, not an array) throws instead of dropping every series' labels", () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const options = { labelNames: 'route' } as unknown as { labelNames: string[] }
    expect(() => metrics.counter('requests', 'Requests.', options)).toThrow(expect.objectContaining({
      code: 'E_METRIC', message: `[unperf] metric 'app_requests_total': labelNames must be an array of label names (['route']), got "route"`,
    }))
    expect(() => metrics.gauge('depth', 'Depth.', options)).toThrow(/metric 'app_depth': labelNames must be an array/)
    expect(() => metrics.histogram('lat', 'Latency.', { buckets: '0.1,1' as unknown as number[] })).toThrow(/histogram 'app_lat': buckets must be an array of upper bounds \(\[0\.1, 1, 10\]\), got "0\.1,1"/)
    // declared right, the routes are series of their own
    const requests = metrics.counter('requests', 'Requests.', { labelNames: ['route'] })
    requests.inc(1, { route: '/a' })
    requests.inc(1, { route: '/b' })
    expect(family(parsePrometheus(metrics.expose()), 'app_requests_total').metrics).toEqual([
      { value: '1', labels: { route: '/a' } }, { value: '1', labels: { route: '/b' } },
    ])
  })
})

describe('perf.metrics: label values', () => {
  it('an empty label value is the series without that label (Prometheus reads them as one): one line, not two', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const requests = metrics.counter('requests', 'Requests.', { labelNames: ['route', 'code'] })
    requests.inc(1, { route: '', code: '200' })
    requests.inc(2, { code: '200' })
    requests.inc(1, { route: '/a', code: '' })
    requests.inc(1, { route: '/a' })
    const lat = metrics.histogram('lat_seconds', 'Latency.', { labelNames: ['route'], buckets: [1] })
    lat.observe(0.5, { route: '' })
    lat.observe(2)
    const text = metrics.expose()
    expect(readStrict(text).errors).toEqual([])
    expect(text.split('\n').filter(l => l.startsWith('app_requests_total'))).toEqual([
      'app_requests_total{code="200"} 3',
      'app_requests_total{route="/a"} 2',
    ])
    expect(histogramSeries(text, 'app_lat_seconds')).toEqual([{ labels: {}, buckets: { '1': '1', '+Inf': '2' }, count: '2', sum: '2.5' }])
  })
})

describe('the strict reader these tests use', () => {
  it('finds what the format forbids (so a clean read means something)', () => {
    const bad = [
      '# HELP a_total A.', '# TYPE a_total counter', 'a_total{x="1"} 1', 'a_total{x="1"} 2', 'a_total{y="\\qz"} 1', 'a_total -1',
      '# HELP g G.', '# TYPE g gauge', 'g undefined', 'orphan 1',
      '# HELP h H.', '# TYPE h histogram', 'h_bucket{le="1"} 3', 'h_bucket{le="2"} 2', 'h_sum 1', 'h_count 2', '',
    ].join('\n')
    expect(readStrict(bad).errors).toEqual([
      'line 4: series a_total[["x","1"]] appears twice',
      "line 5: invalid escape '\\q' in a label value",
      'line 6: counter a_total is -1',
      "line 9: value 'undefined' is not a number",
      'line 10: sample orphan outside its family (g)',
      'h[]: no +Inf bucket last',
      'h[]: buckets not cumulative',
    ])
  })
})

describe('MetricError.metric', () => {
  it('names the full metric a MetricError is about (it was declared, documented in the types, and always undefined)', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const errorOf = (fn: () => void) => { try { fn() } catch (e) { return e as { code?: string; metric?: string } } return undefined }
    const jobs = metrics.counter('jobs', 'Jobs done.')
    expect(errorOf(() => untyped(jobs.inc)(1, { kind: 'a' }))).toMatchObject({ code: 'E_METRIC', metric: 'app_jobs_total' })
    expect(errorOf(() => jobs.inc(-1))).toMatchObject({ metric: 'app_jobs_total' })
    expect(errorOf(() => untyped(metrics.gauge('depth', 'Depth.').set)('3'))).toMatchObject({ metric: 'app_depth' })
    expect(errorOf(() => untyped(metrics.histogram('lat', 'Latency.').observe)('x'))).toMatchObject({ metric: 'app_lat' })
    expect(errorOf(() => metrics.histogram('h', 'x', { buckets: [2, 1] }))).toMatchObject({ metric: 'app_h' })
    expect(errorOf(() => metrics.gauge('jobs_total', 'x'))).toMatchObject({ metric: 'app_jobs_total' })
    expect(errorOf(() => metrics.counter('c', 42 as unknown as string))).toMatchObject({ metric: 'app_c_total' })
    // a name that is no metric name has no metric to name
    expect(errorOf(() => metrics.counter('9x', 'x'))).toMatchObject({ code: 'E_METRIC', metric: undefined })
  })
})
