/**
 * MetricState: one metric's series (a counter's or gauge's values, a histogram's buckets) and what
 * records into them: by a label set given per call, or by one bound once with `labels()`; `reset()`
 * and prom-client's `get()` snapshot. The registry (registry.ts) names and checks the definitions.
 */
import { MetricError } from '../../errors.js'
import { now } from '../clock.js'
import type { Counter, Gauge, Histogram, MetricLabels, MetricSnapshot, MetricSnapshotValue, MetricTimerEnd } from '../types.js'
import type { MetricFamily, MetricType } from './exposition.js'
import { newHistogramData, observeInto, type HistogramData } from './histogram-data.js'

interface Series { labels: MetricLabels; value: number }
/** `min`/`max`: what the OpenTelemetry export replays the buckets between (otel-user-metrics.ts); Prometheus has no use for them. */
export interface HistogramSeries { labels: MetricLabels; data: HistogramData; min: number; max: number }

/** A label set checked and keyed once (`labels()`, a timer's start): `[key, labels in labelNames order]`. */
export type LabelSet = [key: string, labels: MetricLabels]

type ValueMethod = 'inc' | 'dec' | 'set' | 'observe'

export class MetricState {
  readonly series = new Map<string, Series>()
  readonly histograms = new Map<string, HistogramSeries>()
  /** What counter()/gauge()/histogram() returned for it: the same definition again returns the same object. */
  handle: Counter | Gauge | Histogram | undefined
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    this.reset()
  }

  reset(): void {
    this.series.clear()
    this.histograms.clear()
    // as prom-client: a metric without labels has its one series from the start (`name 0`, a
    // histogram's zero buckets, `_sum 0`, `_count 0`); a labelled one has none until recorded
    if (this.labelNames.length === 0) {
      if (this.type === 'histogram') this.histograms.set('', newSeries({}, this.buckets))
      else this.series.set('', { labels: {}, value: 0 })
    }
  }

  key(labels: MetricLabels | undefined): LabelSet {
    if (labels === undefined) return ['', {}]
    let key = ''
    const ordered: MetricLabels = {}
    for (const name in labels) {
      if (!this.labelNames.includes(name)) throw new MetricError(`metric '${this.name}': unknown label '${name}' (declared: ${this.labelNames.join(', ') || 'none'})`, this.name)
    }
    for (const name of this.labelNames) {
      const value = labels[name]
      // an empty value is no label at all to Prometheus: `x{route=""}` beside `x` would be one series twice
      if (value === undefined || value === '') continue
      ordered[name] = value
      key += `${name}\u0000${String(value)}\u0001`
    }
    return [key, ordered]
  }

  /**
   * The label set of `labels(...args)`, as prom-client reads it: an object, or one value per label
   * name in `labelNames` order. Checked here, not at the first record: a child kept for later fails
   * where it was made.
   */
  labelSet(args: readonly unknown[]): LabelSet {
    if (args.length === 1 && isPlainObject(args[0])) return this.key(args[0] as MetricLabels)
    const call = `labels(${args.map(shown).join(', ')})`
    if (args.length !== this.labelNames.length) {
      const given = `${call} gives ${args.length} value${args.length === 1 ? '' : 's'}`
      if (this.labelNames.length === 0) throw new MetricError(`metric '${this.name}': ${given}, and it was registered without labelNames: labels() takes none (or declare them: { labelNames: [...] })`, this.name)
      const names = `${this.labelNames.length} label name${this.labelNames.length === 1 ? '' : 's'} (${this.labelNames.join(', ')})`
      throw new MetricError(`metric '${this.name}': ${given} for ${names}: one value per name, in that order, or an object (labels({ ${this.labelNames[0]}: 'x' }))`, this.name)
    }
    const labels: MetricLabels = {}
    args.forEach((value, i) => {
      if (typeof value !== 'string' && typeof value !== 'number') throw new MetricError(`metric '${this.name}': ${call}: label '${this.labelNames[i]}' must be a string or a number, got ${shown(value)}`, this.name)
      labels[this.labelNames[i]!] = value
    })
    return this.key(labels)
  }

  add(labels: MetricLabels | undefined, delta: number, set = false, method: 'inc' | 'dec' | 'set' = set ? 'set' : 'inc'): void {
    this.checkValue(delta, method, labels)
    this.addAt(this.key(labels), delta, set)
  }

  /** add() into a label set keyed already; `delta` checked by the caller. */
  addAt([key, ordered]: LabelSet, delta: number, set = false): void {
    const series = this.series.get(key)
    if (series === undefined) this.series.set(key, { labels: ordered, value: delta })
    else series.value = set ? delta : series.value + delta
  }

  observe(labels: MetricLabels | undefined, value: number): void {
    this.checkValue(value, 'observe', labels)
    this.observeAt(this.key(labels), value)
  }

  /** observe() into a label set keyed already; `value` checked by the caller. */
  observeAt([key, ordered]: LabelSet, value: number): void {
    let series = this.histograms.get(key)
    if (series === undefined) this.histograms.set(key, (series = newSeries(ordered, this.buckets)))
    observeInto(series.data, value)
    if (value < series.min) series.min = value
    if (value > series.max) series.max = value
  }

  /**
   * A value given where a number goes, refused before anything is recorded: set() takes any number
   * (NaN and ±Inf are valid sample values), inc()/dec() a finite one, observe() any but NaN; a
   * non-number would be written as is (`name undefined`), and Prometheus rejects the whole scrape
   * over one bad line. `labels` is what came second (the labels; `bound`: a labels() child's call, which takes none).
   */
  checkValue(value: unknown, method: ValueMethod, labels: unknown, bound = false): void {
    const ok = method === 'set' ? typeof value === 'number'
      : method === 'observe' ? typeof value === 'number' && !Number.isNaN(value)
      : Number.isFinite(value)
    if (ok) return
    if (bound && isPlainObject(value)) {
      throw new MetricError(`metric '${this.name}': labels(...).${method}() takes the value only (the labels are the ones labels() was given), got an object (${json(value)})`, this.name)
    }
    const expected = method === 'observe' ? 'observe() expects a number, got' : `value must be a ${method === 'set' ? '' : 'finite '}number, got`
    throw new MetricError(`metric '${this.name}': ${expected} ${valueShown(value, method, labels)}`, this.name)
  }

  /**
   * Starts a timer on the monotonic clock (clock.ts: process.hrtime, which the wall clock's steps do
   * not move); its end records the seconds since under the start's label set, or that merged with
   * the end's labels (checked then). The start's labels are checked now.
   */
  timer(start: LabelSet, record: (at: LabelSet, seconds: number) => void): MetricTimerEnd {
    const startMs = now()
    return (labels?: MetricLabels) => {
      const seconds = (now() - startMs) / 1000
      if (labels !== undefined && !isPlainObject(labels)) {
        throw new MetricError(`metric '${this.name}': a timer's end takes labels as an object (end({ code: 200 })) or nothing, got ${shown(labels)}`, this.name)
      }
      record(labels === undefined ? start : this.key({ ...start[1], ...labels }), seconds)
      return seconds
    }
  }

  family(): MetricFamily {
    return this.type === 'histogram'
      ? { name: this.name, help: this.help, type: this.type, histograms: [...this.histograms.values()] }
      : { name: this.name, help: this.help, type: this.type, values: [...this.series.values()] }
  }

  /** prom-client's `get()`: a histogram's series as cumulative `_bucket` samples (`le`), `_sum` and `_count`. */
  snapshot(): MetricSnapshot {
    const values: MetricSnapshotValue[] = []
    if (this.type === 'histogram') {
      for (const { labels, data } of this.histograms.values()) {
        let cumulative = 0
        data.buckets.forEach((le, i) => {
          cumulative += data.counts[i]!
          values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` })
        })
        values.push({ labels: { ...labels, le: '+Inf' }, value: data.count, metricName: `${this.name}_bucket` })
        values.push({ labels: { ...labels }, value: data.sum, metricName: `${this.name}_sum` })
        values.push({ labels: { ...labels }, value: data.count, metricName: `${this.name}_count` })
      }
    } else {
      for (const { labels, value } of this.series.values()) values.push({ labels: { ...labels }, value })
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' }
  }
}

// --- internal ---

function newSeries(labels: MetricLabels, buckets: readonly number[]): HistogramSeries {
  return { labels, data: newHistogramData(buckets), min: Infinity, max: -Infinity }
}

/** A value as an error message shows it: a string quoted, so `'2'` does not read as 2. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** JSON of a value a caller gave, for a message (a cycle or a BigInt: String()). */
export function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * A value given where a number goes, as a message shows it. An object there is prom-client's order,
 * labels first (`inc({ kind })`, `set(labels, 3)`, `observe(labels, 0.2)`): the message writes the call
 * in unperf's, value first; `next` is what came second (the value, in that order).
 */
function valueShown(value: unknown, method: ValueMethod, next: unknown): string {
  if (!isPlainObject(value)) return shown(value)
  const labels = Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : json(v)}`).join(', ')
  return `an object (${json(value)}): the value comes first, the labels second: ${method}(${typeof next === 'number' ? next : 1}, { ${labels} }) (prom-client takes them the other way round)`
}
