/**
 * exportUserMetrics: the user's perf.metrics counters, gauges and histograms at close, on the meter
 * unperf's own metrics go to (otel.ts), each as the OpenTelemetry instrument of its type, its series'
 * labels as attributes:
 * - a counter: a Counter, add()ed the series' value (the registry is exported once, at close: the
 *   increments since it began, or since a reset());
 * - a gauge: a Gauge (an ObservableGauge of the values at close where the host's SDK has no
 *   createGauge: @opentelemetry/api 1.9 declares it, an SDK older than 1.25 lacks it);
 * - a histogram: a Histogram advised the user's buckets (`advice.explicitBucketBoundaries`), its
 *   observations replayed from the buckets (replayHistogram).
 * Names follow OpenTelemetry's conventions, not Prometheus's (otelNames).
 */
import type { HistogramSeries, MetricState } from './metrics/metric-state.js'

type Meter = import('@opentelemetry/api').Meter

/** What the export reads of the registry (registry.ts `_userMetrics()`). */
export interface UserMetrics {
  /** The sanitized config name every user metric's name starts with (`acme` of `acme_jobs_total`). */
  prefix: string
  metrics: readonly MetricState[]
}

/**
 * Prometheus's unit suffixes and the UCUM units OpenTelemetry's Prometheus exporters and the
 * collector turn back into them (`s` → `_seconds`): a name's suffix becomes its instrument's `unit`.
 */
const UNITS: Readonly<Record<string, string>> = {
  days: 'd', hours: 'h', minutes: 'min', seconds: 's', milliseconds: 'ms', microseconds: 'us', nanoseconds: 'ns',
  bytes: 'By', kibibytes: 'KiBy', mebibytes: 'MiBy', gibibytes: 'GiBy', kilobytes: 'KBy', megabytes: 'MBy', gigabytes: 'GBy',
  meters: 'm', volts: 'V', amperes: 'A', joules: 'J', watts: 'W', grams: 'g', celsius: 'Cel', hertz: 'Hz', percent: '%', ratio: '1',
}

/** OpenTelemetry's instrument name syntax (the SDK warns of another, and a backend may drop it). */
const OTEL_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/

export function exportUserMetrics(meter: Meter, user: UserMetrics): void {
  const names = otelNames(user)
  for (const state of user.metrics) {
    const { name, unit } = names.get(state)!
    const options = { description: state.help, ...(unit !== undefined && { unit }) }
    if (state.type === 'counter') {
      const counter = meter.createCounter(name, options)
      for (const { labels, value } of state.series.values()) counter.add(value, labels)
    } else if (state.type === 'gauge') {
      // copied: the callback runs at each collection, after close, and the series may still be set
      const values = [...state.series.values()].map(({ labels, value }) => ({ labels, value }))
      if (typeof meter.createGauge === 'function') {
        const gauge = meter.createGauge(name, options)
        for (const { labels, value } of values) gauge.record(value, labels)
      } else {
        meter.createObservableGauge(name, options).addCallback(result => {
          for (const { labels, value } of values) result.observe(value, labels)
        })
      }
    } else {
      const histogram = meter.createHistogram(name, { ...options, advice: { explicitBucketBoundaries: [...state.buckets] } })
      for (const series of state.histograms.values()) replayHistogram(series, value => histogram.record(value, series.labels))
    }
  }
}

/**
 * Each metric's OpenTelemetry name and unit: its name without the config's prefix (the meter, named
 * after the service, scopes it), without a counter's `_total`, with `:` (Prometheus's recording-rule
 * separator) as `.`, and a unit suffix moved to `unit` (`request_duration_seconds` → `request_duration`,
 * unit `s`), so that a Prometheus exporter downstream names it as the registry does. A suffix stays in the
 * name where moving it would give two metrics one name (`size_bytes` beside `size`); a name OpenTelemetry
 * refuses (a leading `_`) keeps its prefix.
 */
export function otelNames(user: UserMetrics): Map<MetricState, { name: string; unit: string | undefined }> {
  const bases = new Map(user.metrics.map(state => [state, baseName(state, user.prefix)]))
  const stripped = new Map<MetricState, { name: string; unit: string }>()
  for (const [state, base] of bases) {
    const match = /^(.+)_([a-z]+)$/.exec(base)
    // `1` becomes `_ratio` again for a gauge only (the collector's rule): another type keeps it in its name
    const unit = match && Object.hasOwn(UNITS, match[2]!) && (match[2] !== 'ratio' || state.type === 'gauge') ? UNITS[match[2]!] : undefined
    if (match && unit !== undefined) stripped.set(state, { name: match[1]!, unit })
  }
  const taken = new Set(bases.values())
  const counts = new Map<string, number>()
  for (const { name } of stripped.values()) counts.set(name, (counts.get(name) ?? 0) + 1)
  const names = new Map<MetricState, { name: string; unit: string | undefined }>()
  for (const [state, base] of bases) {
    const moved = stripped.get(state)
    names.set(state, moved && !taken.has(moved.name) && counts.get(moved.name) === 1 ? moved : { name: base, unit: undefined })
  }
  return names
}

/**
 * A histogram series' observations, replayed from what the registry keeps of them: each bucket's count
 * exactly (OpenTelemetry's explicit buckets are Prometheus's: upper bounds inclusive), the min and the
 * max exactly, and the others spread inside their buckets (and [min, max]) so that they sum to the
 * series' sum (to float precision): one record() per observation (≈ 0.7 µs each with the SDK's
 * MeterProvider, 1 M observations ≈ 0.7 s at close).
 */
export function replayHistogram(series: HistogramSeries, record: (value: number) => void): void {
  const { data, min, max } = series
  if (data.count === 0) return
  if (data.count === 1) return record(min)
  const counts = [...data.counts]
  counts[bucketOf(data.buckets, min)]!--
  counts[bucketOf(data.buckets, max)]!--
  record(min)
  record(max)
  // each bucket's range within [min, max]: (its lower bound, its upper bound]; an unbounded end, which only
  // an infinite min or max leaves, takes the other end's value
  const ranges = counts.map((_, i) => {
    let lo = Math.max(min, i === 0 ? -Infinity : nextUp(data.buckets[i - 1]!))
    let hi = Math.min(max, i < data.buckets.length ? data.buckets[i]! : Infinity)
    if (lo === -Infinity) lo = hi
    if (hi === Infinity) hi = lo
    return [lo, hi] as const
  })
  let low = 0
  let high = 0
  counts.forEach((n, i) => {
    low += n * ranges[i]![0]
    high += n * ranges[i]![1]
  })
  // where in each range the rest lie: the same fraction for all, the one that makes the sum
  const t = high > low ? Math.min(1, Math.max(0, (data.sum - min - max - low) / (high - low))) : 0
  counts.forEach((n, i) => {
    const [lo, hi] = ranges[i]!
    const value = Number.isFinite(t) ? Math.min(hi, lo + t * (hi - lo)) : lo
    for (let k = 0; k < n; k++) record(value)
  })
}

// --- internal ---

/** The name a user metric's is built from: without the prefix (and a counter's `_total`), `:` as `.`. */
function baseName(state: MetricState, prefix: string): string {
  let name = state.name.startsWith(`${prefix}_`) ? state.name.slice(prefix.length + 1) : state.name
  if (state.type === 'counter' && name.endsWith('_total')) name = name.slice(0, -'_total'.length)
  name = name.replaceAll(':', '.')
  if (OTEL_NAME.test(name)) return name
  const full = `${prefix}_${name}`
  return OTEL_NAME.test(full) ? full : name
}

/** The bucket a value falls in: the first whose upper bound is ≥ it (as observeInto counts it). */
function bucketOf(buckets: readonly number[], value: number): number {
  let i = 0
  while (i < buckets.length && value > buckets[i]!) i++
  return i
}

const float = new Float64Array(1)
const bits = new BigInt64Array(float.buffer)

/** The smallest number above `x`: the least value a bucket whose lower bound is `x` (exclusive) holds. */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE
  float[0] = x
  bits[0]! += x > 0 ? 1n : -1n
  return float[0]!
}
