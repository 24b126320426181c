/**
 * What the OpenTelemetry export of user metrics (src/runtime/otel-user-metrics.ts) makes of a
 * registry: each metric's OpenTelemetry name and unit, and a histogram's observations replayed from
 * its buckets (each bucket's count, the min, the max and the sum as recorded). The export through a
 * real SDK: test/monitors/otel-user-metrics.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { MetricState } from '../../src/runtime/metrics/metric-state.js'
import { MetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { otelNames, replayHistogram } from '../../src/runtime/otel-user-metrics.js'
import { emptySources } from '../monitors/_config.js'

const registry = () => new MetricsRegistry('@acme/cli', emptySources())
const named = (metrics: MetricsRegistry) => {
  const names = otelNames({ prefix: metrics.prefix, metrics: metrics._userMetrics() })
  return Object.fromEntries([...names].map(([state, { name, unit }]) => [state.name, unit === undefined ? name : `${name} [${unit}]`]))
}

describe("user metrics' OpenTelemetry names", () => {
  it("drop the config's prefix and a counter's _total, move a unit suffix to the unit, write ':' as '.'", () => {
    const metrics = registry()
    metrics.counter('jobs', 'Jobs.')
    metrics.counter('acme_cli_retries_total', 'Retries (the prefix given).')
    metrics.counter('cpu_seconds_total', 'CPU time.')
    metrics.gauge('queue_depth', 'Depth.')
    metrics.gauge('heap_bytes', 'Heap.')
    metrics.gauge('hit_ratio', 'Hit ratio.')
    metrics.histogram('fill_ratio', 'Fill ratio (a unit 1 is _ratio again for a gauge only).')
    metrics.histogram('request_duration_seconds', 'Latency.')
    metrics.gauge('job:rate:5m', 'A recording rule\'s name.')
    metrics.gauge('seconds', 'A unit word alone is a name.')
    expect(named(metrics)).toEqual({
      acme_cli_jobs_total: 'jobs',
      acme_cli_retries_total: 'retries',
      acme_cli_cpu_seconds_total: 'cpu [s]',
      acme_cli_queue_depth: 'queue_depth',
      acme_cli_heap_bytes: 'heap [By]',
      acme_cli_hit_ratio: 'hit [1]',
      acme_cli_fill_ratio: 'fill_ratio',
      acme_cli_request_duration_seconds: 'request_duration [s]',
      'acme_cli_job:rate:5m': 'job.rate.5m',
      acme_cli_seconds: 'seconds',
    })
  })

  it('keep a unit suffix where moving it would give two metrics one name, and the prefix where a name would start with _', () => {
    const metrics = registry()
    metrics.gauge('size_bytes', 'Size.')
    metrics.gauge('size', 'Size, unitless.')
    metrics.histogram('wait_seconds', 'Wait.')
    metrics.gauge('wait_milliseconds', 'Wait in ms.')
    metrics.counter('_internal', 'Leading underscore.')
    const names = named(metrics)
    expect(names).toEqual({
      acme_cli_size_bytes: 'size_bytes',
      acme_cli_size: 'size',
      acme_cli_wait_seconds: 'wait_seconds',
      acme_cli_wait_milliseconds: 'wait_milliseconds',
      acme_cli__internal_total: 'acme_cli__internal',
    })
    expect(new Set(Object.values(names)).size).toBe(Object.keys(names).length)
  })
})

/** Replays every series of the registry's one histogram: the values recorded, per series. */
function replayed(metrics: MetricsRegistry): number[][] {
  const [state] = metrics._userMetrics() as [MetricState]
  return [...state.histograms.values()].map(series => {
    const values: number[] = []
    replayHistogram(series, v => values.push(v))
    return values
  })
}

/** Non-cumulative counts per bucket (+Inf last), as the registry counts them (upper bounds inclusive). */
function bucketCounts(buckets: number[], values: number[]): number[] {
  const counts = new Array<number>(buckets.length + 1).fill(0)
  for (const v of values) {
    const i = buckets.findIndex(b => v <= b)
    counts[i === -1 ? buckets.length : i]!++
  }
  return counts
}

describe("a histogram's replay", () => {
  it('gives each bucket its count, the min and the max exactly, and the sum (to float precision)', () => {
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    // a seeded generator: the case is the same on every run
    let seed = 42
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    for (let round = 0; round < 50; round++) {
      const metrics = registry()
      const h = metrics.histogram('latency_seconds', 'Latency.', { buckets })
      // values on bucket bounds (inclusive), between them, past the last one, and repeated
      const values = Array.from({ length: 1 + Math.floor(random() * 300) }, () => {
        const r = random()
        return r < 0.2 ? buckets[Math.floor(random() * buckets.length)]! : r < 0.3 ? 10 + random() * 50 : random() ** 3 * 10
      })
      for (const v of values) h.observe(v)
      const [out] = replayed(metrics) as [number[]]
      expect(out).toHaveLength(values.length)
      expect(bucketCounts(buckets, out), `round ${round}`).toEqual(bucketCounts(buckets, values))
      expect(Math.min(...out)).toBe(Math.min(...values))
      expect(Math.max(...out)).toBe(Math.max(...values))
      const sum = values.reduce((a, b) => a + b, 0)
      expect(Math.abs(out.reduce((a, b) => a + b, 0) - sum), `round ${round}`).toBeLessThan(1e-9 * Math.max(1, sum))
    }
  })

  it('a value just above a bound stays above it; one observation is itself; negative bounds; none is nothing', () => {
    const metrics = registry()
    const h = metrics.histogram('h', 'H.', { labelNames: ['case'], buckets: [-1, 0, 1] })
    // two just above 0, lost in the sum (-1 + 1e-300 is -1): the replay puts them at the least it can, which
    // must be above 0, not on it (the bucket below)
    for (const v of [-1, 1e-300, 1e-300, 0.5]) h.observe(v, { case: 'tight' })
    h.observe(0.7, { case: 'one' })
    h.observe(-5, { case: 'negative' }); h.observe(-0.5, { case: 'negative' }); h.observe(-0.25, { case: 'negative' }); h.observe(3, { case: 'negative' })
    const [tight, one, negative] = replayed(metrics) as [number[], number[], number[]]
    expect(bucketCounts([-1, 0, 1], tight)).toEqual([1, 0, 3, 0])
    expect(one).toEqual([0.7])
    expect(bucketCounts([-1, 0, 1], negative)).toEqual([1, 2, 0, 1])
    expect(negative.reduce((a, b) => a + b, 0)).toBeCloseTo(-2.75, 12)
    metrics.histogram('h', 'H.', { labelNames: ['case'], buckets: [-1, 0, 1] }).reset()
    expect(replayed(metrics)).toEqual([])
    const plain = registry()
    plain.histogram('p', 'P.')
    expect(replayed(plain)).toEqual([[]])
  })

  it('an infinite observation: the counts and the min and max kept, no NaN recorded', () => {
    const metrics = registry()
    const h = metrics.histogram('h', 'H.', { buckets: [1, 2] })
    for (const v of [0.5, 1.5, 1.7, Infinity]) h.observe(v)
    const [out] = replayed(metrics) as [number[]]
    expect(bucketCounts([1, 2], out)).toEqual([1, 2, 1])
    expect(out.some(Number.isNaN)).toBe(false)
    expect(Math.max(...out)).toBe(Infinity)
  })
})
