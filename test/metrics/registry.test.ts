import { describe, expect, it } from 'vitest'
import { createMetricsRegistry, MetricsRegistry, sanitizeMetricPrefix } from '../../src/runtime/metrics/registry.js'
import { escapeLabelValue } from '../../src/runtime/metrics/exposition.js'
import type { PoolStats } from '../../src/runtime/types.js'
import { emptySources } from '../monitors/_config.js'
import { recordCommandTotals, type CommandTotals } from '../../src/runtime/metrics/command-totals.js'
import { family, histogramSeries, parsePrometheus } from './_prom.js'

const zero = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0 }

describe('metrics registry', () => {
  it('prefixes user metrics with the sanitized config name; counters end in _total', () => {
    expect(sanitizeMetricPrefix('@acme/my-cli')).toBe('acme_my_cli')
    expect(sanitizeMetricPrefix('9lives')).toBe('_9lives')
    expect(sanitizeMetricPrefix('')).toBe('unperf')
    const metrics = createMetricsRegistry('@acme/my-cli', emptySources())
    metrics.counter('files_processed', 'Files processed.').inc(3)
    metrics.gauge('acme_my_cli_queue_depth', 'Queue depth.').set(7)
    const families = parsePrometheus(metrics.expose())
    expect(family(families, 'acme_my_cli_files_processed_total')).toMatchObject({ type: 'COUNTER', help: 'Files processed.', metrics: [{ value: '3' }] })
    expect(family(families, 'acme_my_cli_queue_depth')).toMatchObject({ type: 'GAUGE', metrics: [{ value: '7' }] })
  })

  it('counters, gauges and histograms with labels parse back to the recorded values', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    const requests = metrics.counter('requests_total', 'Requests.', { labelNames: ['route', 'code'] })
    requests.inc(1, { route: '/a', code: 200 })
    requests.inc(2, { route: '/a', code: 200 })
    requests.inc(1, { route: 'we"ird\\path\nx', code: 500 })
    const inflight = metrics.gauge('inflight', 'In flight.')
    inflight.inc(); inflight.inc(4); inflight.dec(2)
    const latency = metrics.histogram('latency_seconds', 'Latency.', { labelNames: ['route'], buckets: [0.1, 1] })
    for (const v of [0.05, 0.1, 0.5, 3]) latency.observe(v, { route: '/a' })

    const text = metrics.expose()
    const families = parsePrometheus(text)
    const req = family(families, 'app_requests_total')
    expect(req.metrics).toEqual(expect.arrayContaining([
      { value: '3', labels: { route: '/a', code: '200' } },
      { value: '1', labels: { route: 'we"ird\\path\nx', code: '500' } },
    ]))
    expect(text).toContain(`route="${escapeLabelValue('we"ird\\path\nx')}"`)
    expect(family(families, 'app_inflight').metrics[0]!.value).toBe('3')
    expect(family(families, 'app_latency_seconds').type).toBe('HISTOGRAM')
    // cumulative buckets: le is "less or equal"
    expect(histogramSeries(text, 'app_latency_seconds')[0]).toMatchObject({ labels: { route: '/a' }, buckets: { '0.1': '2', '1': '3', '+Inf': '4' }, count: '4', sum: '3.65' })
  })

  it('re-registering returns the same metric; invalid names, labels and values throw with the metric named', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    metrics.counter('jobs', 'Jobs.').inc()
    metrics.counter('jobs', 'Jobs.').inc()
    expect(family(parsePrometheus(metrics.expose()), 'app_jobs_total').metrics[0]!.value).toBe('2')
    // the same object, as docs/monitors.md says (each call made a new one over the same series)
    expect(metrics.counter('jobs', 'Jobs.')).toBe(metrics.counter('jobs', 'Jobs.'))
    expect(metrics.gauge('depth', 'Depth.')).toBe(metrics.gauge('depth', 'Depth.'))
    expect(metrics.histogram('wait', 'Wait.', { buckets: [1, 2] })).toBe(metrics.histogram('wait', 'Wait.', { buckets: [1, 2] }))
    expect(() => metrics.gauge('jobs_total', 'x')).toThrow(/already registered as a counter/)
    expect(() => metrics.counter('bad-name', 'x')).toThrow(expect.objectContaining({ code: 'E_METRIC', message: expect.stringMatching(/^\[unperf\] invalid metric name 'bad-name'/) }))
    expect(() => metrics.gauge('g', 'x', { labelNames: ['__reserved'] })).toThrow(/invalid label name/)
    expect(() => metrics.histogram('h', 'x', { labelNames: ['le'] })).toThrow(/'le' is reserved/)
    expect(() => metrics.histogram('h2', 'x', { buckets: [1, 0.5] })).toThrow(/strictly increasing/)
    expect(() => metrics.counter('c', 'x').inc(-1)).toThrow(/cannot decrease/)
    // @ts-expect-error an undeclared label: a type error (labelNames typed), and checked at run time for JavaScript callers
    expect(() => metrics.counter('d', 'x', { labelNames: ['a'] }).inc(1, { b: 'x' })).toThrow(/unknown label 'b'/)
  })

  it("a user metric named like one of unperf's own throws: the exposition never holds a family twice", () => {
    const metrics = createMetricsRegistry('acme-cli', emptySources())
    expect(() => metrics.counter('cache_hits_total', 'Mine.')).toThrow(expect.objectContaining({ code: 'E_METRIC', message: expect.stringMatching(/'acme_cli_cache_hits_total' is one of unperf's own/) }))
    expect(() => metrics.counter('cache_hits', 'Mine.')).toThrow(/one of unperf's own/) // _total is added
    expect(() => metrics.gauge('pool_active_tasks', 'Mine.')).toThrow(/one of unperf's own/)
    expect(() => metrics.gauge('system_memory_used_bytes', 'Mine.')).toThrow(/one of unperf's own/) // monitors.system's, exposed when on
    expect(() => metrics.histogram('command_duration_seconds', 'Mine.')).toThrow(/one of unperf's own/)
    expect(() => metrics.gauge('command_duration_seconds_count', 'Mine.')).toThrow(/one of unperf's own/) // a series of the own histogram
    expect(() => metrics.counter('cache_hits_extra', 'Fine.')).not.toThrow()
    // what is exposed parses: one HELP and one TYPE per family
    const text = metrics.expose()
    const types = text.split('\n').filter(l => l.startsWith('# TYPE ')).map(l => l.split(' ')[2])
    expect(new Set(types).size).toBe(types.length)
    expect(() => parsePrometheus(text)).not.toThrow()
  })

  it("a user histogram's series (_bucket, _sum, _count) and another user metric never share a name, in either order", () => {
    const metrics = createMetricsRegistry('acme', emptySources())
    metrics.histogram('lat', 'Latency.').observe(0.2)
    expect(() => metrics.gauge('lat_bucket', 'Mine.')).toThrow(expect.objectContaining({ code: 'E_METRIC', message: expect.stringMatching(/'acme_lat_bucket' \(gauge\) would expose series of the histogram 'acme_lat'/) }))
    expect(() => metrics.gauge('lat_sum', 'Mine.')).toThrow(/series of the histogram/)
    expect(() => metrics.gauge('lat_count', 'Mine.')).toThrow(/series of the histogram/)
    metrics.gauge('size_count', 'Mine.').set(3)
    expect(() => metrics.histogram('size', 'Sizes.')).toThrow(/'acme_size' \(histogram\) would expose series of the gauge 'acme_size_count'/)
    expect(() => metrics.histogram('lat_bucket', 'Nested.')).toThrow(/series of the histogram/) // its family name is a series of acme_lat
    expect(metrics.histogram('lat', 'Latency.')).toBeDefined() // the same metric again is still fine
    const text = metrics.expose()
    const types = text.split('\n').filter(l => l.startsWith('# TYPE ')).map(l => l.split(' ')[2])
    expect(types.filter(t => /^acme_(lat|size)/.test(t!))).toEqual(['acme_lat', 'acme_size_count'])
    expect(() => parsePrometheus(text)).not.toThrow()
  })

  it("exposes prom-client's default names and unperf's own metrics from the sources at expose time", () => {
    const commands = new Map<string, CommandTotals>()
    const pools: PoolStats[] = [{ name: 'io', concurrency: 4, adaptive: false, active: 2, queued: 5, completed: 10, failed: 1, cancelled: 0, retries: 0, timeouts: 0 }]
    let breaches = 0
    const metrics = new MetricsRegistry('acme', emptySources({
      commandTotals: () => commands,
      pools: () => pools,
      budgetBreaches: () => breaches,
      cache: () => ({ ...zero, hits: 3, namespaces: { default: { ...zero, hits: 3, misses: 1 }, 'plugin:x': { ...zero, evictions: 2 } } }),
      lastSample: () => ({ time: Date.now(), eventLoop: { p50: 10, p99: 50, max: 80, mean: 12, utilization: 0.25 }, cpu: { percent: 12.5, user: 100, system: 25 } }),
    }))
    metrics._gcObserve('minor', 0.002)
    // pulled at expose time: records added later show up in the next scrape
    recordCommandTotals(commands, 'build', 'ok', 1200, 0)
    recordCommandTotals(commands, 'build', 'error', 30, 0)
    breaches = 2
    const text = metrics.expose()
    const families = parsePrometheus(text)
    for (const name of [
      'process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total',
      'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes',
      'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes', 'nodejs_active_handles_total',
    ]) expect(Number(family(families, name).metrics[0]!.value)).toBeGreaterThan(0)
    expect(family(families, 'process_cpu_seconds_total').type).toBe('COUNTER')
    // prom-client's nodejs_version_info, labels and all
    const [major, minor, patch] = process.version.slice(1).split('.')
    expect(family(families, 'nodejs_version_info').metrics).toEqual([{ value: '1', labels: { version: process.version, major, minor, patch } }])
    expect(family(families, 'nodejs_eventloop_lag_seconds').metrics[0]!.value).toBe('0.012')
    expect(family(families, 'nodejs_eventloop_lag_p99_seconds').metrics[0]!.value).toBe('0.05')
    expect(family(families, 'nodejs_gc_duration_seconds').type).toBe('HISTOGRAM')
    expect(histogramSeries(text, 'nodejs_gc_duration_seconds')[0]).toMatchObject({ labels: { kind: 'minor' }, count: '1', buckets: { '0.001': '0', '0.01': '1', '+Inf': '1' } })
    expect(histogramSeries(text, 'acme_command_duration_seconds')[0]).toMatchObject({ labels: { command: 'build' }, count: '2', sum: '1.23', buckets: { '0.05': '1', '1': '1', '2.5': '2', '+Inf': '2' } })
    expect(family(families, 'acme_commands_total').metrics).toEqual(expect.arrayContaining([
      { value: '1', labels: { command: 'build', status: 'ok' } }, { value: '1', labels: { command: 'build', status: 'error' } },
    ]))
    expect(family(families, 'acme_cache_hits_total').metrics).toContainEqual({ value: '3', labels: { namespace: 'default' } })
    expect(family(families, 'acme_cache_misses_total').metrics).toContainEqual({ value: '1', labels: { namespace: 'default' } })
    expect(family(families, 'acme_cache_evictions_total').metrics).toContainEqual({ value: '2', labels: { namespace: 'plugin:x' } })
    expect(family(families, 'acme_pool_queued_tasks').metrics).toEqual([{ value: '5', labels: { pool: 'io' } }])
    expect(family(families, 'acme_pool_active_tasks').metrics).toEqual([{ value: '2', labels: { pool: 'io' } }])
    expect(family(families, 'acme_budget_breaches_total')).toMatchObject({ type: 'COUNTER', metrics: [{ value: '2' }] })
    // every family has HELP and TYPE
    for (const f of families) expect(f.help.length).toBeGreaterThan(0)
  })

  it('a source that throws drops its metrics, never the scrape', () => {
    const metrics = createMetricsRegistry('acme', emptySources({ cache: () => { throw new Error('closed') } }))
    const families = parsePrometheus(metrics.expose())
    expect(families.some(f => f.name === 'acme_cache_hits_total')).toBe(false)
    expect(family(families, 'process_resident_memory_bytes')).toBeDefined()
  })
})

describe('metrics with nothing recorded yet (as prom-client exposes them)', () => {
  it('without labels: a counter and a gauge expose 0, a histogram its zero buckets, _sum 0 and _count 0', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    metrics.counter('jobs', 'Jobs.')
    metrics.gauge('depth', 'Depth.')
    metrics.histogram('lat_seconds', 'Latency.', { buckets: [0.1, 1] })
    const text = metrics.expose()
    expect(text).toContain('# TYPE app_jobs_total counter\napp_jobs_total 0\n')
    expect(text).toContain('# TYPE app_depth gauge\napp_depth 0\n')
    expect(text).toContain([
      '# TYPE app_lat_seconds histogram',
      'app_lat_seconds_bucket{le="0.1"} 0',
      'app_lat_seconds_bucket{le="1"} 0',
      'app_lat_seconds_bucket{le="+Inf"} 0',
      'app_lat_seconds_sum 0',
      'app_lat_seconds_count 0',
    ].join('\n') + '\n')
    const families = parsePrometheus(text)
    expect(family(families, 'app_jobs_total').metrics).toEqual([{ value: '0' }])
    expect(family(families, 'app_depth').metrics).toEqual([{ value: '0' }])
    expect(histogramSeries(text, 'app_lat_seconds')).toEqual([{ labels: {}, buckets: { '0.1': '0', '1': '0', '+Inf': '0' }, count: '0', sum: '0' }])
  })

  it('the zero series is the one later records go to (one series, not two)', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    metrics.counter('jobs', 'Jobs.').inc(2)
    metrics.gauge('depth', 'Depth.').dec(3)
    metrics.histogram('lat_seconds', 'Latency.', { buckets: [0.1, 1] }).observe(0.5)
    const text = metrics.expose()
    expect(text).toContain('# TYPE app_jobs_total counter\napp_jobs_total 2\n# HELP')
    expect(text).toContain('# TYPE app_depth gauge\napp_depth -3\n# HELP')
    expect(histogramSeries(text, 'app_lat_seconds')).toEqual([{ labels: {}, buckets: { '0.1': '0', '1': '1', '+Inf': '1' }, count: '1', sum: '0.5' }])
  })

  it('with labels: HELP and TYPE only until a series is recorded', () => {
    const metrics = createMetricsRegistry('app', emptySources())
    metrics.counter('jobs', 'Jobs.', { labelNames: ['kind'] })
    metrics.gauge('depth', 'Depth.', { labelNames: ['queue'] })
    metrics.histogram('lat_seconds', 'Latency.', { labelNames: ['route'] })
    const text = metrics.expose()
    for (const name of ['app_jobs_total', 'app_depth', 'app_lat_seconds']) {
      expect(text).toContain(`# TYPE ${name} `)
      expect(text.split('\n').filter(l => l.startsWith(name))).toEqual([])
    }
  })
})
