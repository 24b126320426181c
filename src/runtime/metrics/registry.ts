/**
 * createMetricsRegistry: the user's counters, gauges and histograms (names prefixed with the
 * sanitized config name) plus unperf's own metrics, collected from `sources` at expose time
 * (pull model: nothing runs between scrapes).
 */
import { MetricError } from '../../errors.js'
import type { MetricsSources } from '../_internal.js'
import type { Counter, Gauge, Histogram, MetricLabels, PerfMetrics } from '../types.js'
import { renderFamilies, type MetricFamily, type MetricType } from './exposition.js'
import { DEFAULT_BUCKETS, GC_BUCKETS, newHistogramData, observeInto, type HistogramData } from './histogram-data.js'
import { collectOwn, isOwnName } from './own.js'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

export { MetricError }

/** `'@acme/my-cli'` → `'acme_my_cli'`: a valid metric name prefix. */
export function sanitizeMetricPrefix(name: string): string {
  const cleaned = name.replace(/^@/, '').replace(/[^a-zA-Z0-9_]+/g, '_').replace(/^_+|_+$/g, '')
  if (cleaned === '') return 'unperf'
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned
}

interface Series { labels: MetricLabels; value: number }
interface HistogramSeries { labels: MetricLabels; data: HistogramData }

class MetricState {
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
    // as prom-client: a metric without labels has its one series from the start (`name 0`, a
    // histogram's zero buckets, `_sum 0`, `_count 0`); a labelled one has none until recorded
    if (labelNames.length === 0) {
      if (type === 'histogram') this.histograms.set('', { labels: {}, data: newHistogramData(buckets) })
      else this.series.set('', { labels: {}, value: 0 })
    }
  }

  key(labels: MetricLabels | undefined): [string, MetricLabels] {
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

  add(labels: MetricLabels | undefined, delta: number, set = false, method: 'inc' | 'dec' | 'set' = set ? 'set' : 'inc'): void {
    // set() takes any number (NaN and ±Inf are valid sample values); a non-number would be written
    // as is (`name undefined`), and Prometheus rejects the whole scrape over one bad line
    if (set ? typeof delta !== 'number' : !Number.isFinite(delta)) throw new MetricError(`metric '${this.name}': value must be a ${set ? '' : 'finite '}number, got ${valueShown(delta, method, labels)}`, this.name)
    const [key, ordered] = this.key(labels)
    const series = this.series.get(key)
    if (series === undefined) this.series.set(key, { labels: ordered, value: delta })
    else series.value = set ? delta : series.value + delta
  }

  observe(labels: MetricLabels | undefined, value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new MetricError(`metric '${this.name}': observe() expects a number, got ${valueShown(value, 'observe', labels)}`, this.name)
    const [key, ordered] = this.key(labels)
    let series = this.histograms.get(key)
    if (series === undefined) this.histograms.set(key, (series = { labels: ordered, data: newHistogramData(this.buckets) }))
    observeInto(series.data, value)
  }

  family(): MetricFamily {
    return this.type === 'histogram'
      ? { name: this.name, help: this.help, type: this.type, histograms: [...this.histograms.values()] }
      : { name: this.name, help: this.help, type: this.type, values: [...this.series.values()] }
  }
}

/** The registry perf.ts creates; the monitor records GC pauses into it via `_gcObserve`. */
export class MetricsRegistry implements PerfMetrics {
  readonly prefix: string
  private readonly _metrics = new Map<string, MetricState>()
  private readonly _gc = new MetricState('nodejs_gc_duration_seconds', 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.', 'histogram', ['kind'], GC_BUCKETS)
  private _gcSeen = false

  constructor(prefix: string, private readonly _sources: MetricsSources) {
    this.prefix = sanitizeMetricPrefix(prefix)
  }

  counter(name: string, help: string, options: { labelNames?: string[] | undefined } = {}): Counter {
    let full = this._name(name, 'counter')
    if (!full.endsWith('_total')) full += '_total'
    const state = this._register(full, help, 'counter', options.labelNames ?? [], DEFAULT_BUCKETS)
    return (state.handle ??= {
      inc(value = 1, labels) {
        if (value < 0) throw new MetricError(`counter '${full}': cannot decrease (inc(${value}))`, full)
        state.add(labels, value)
      },
    } satisfies Counter) as Counter
  }

  gauge(name: string, help: string, options: { labelNames?: string[] | undefined } = {}): Gauge {
    const state = this._register(this._name(name, 'gauge'), help, 'gauge', options.labelNames ?? [], DEFAULT_BUCKETS)
    return (state.handle ??= {
      set: (value, labels) => state.add(labels, value, true),
      inc: (value = 1, labels) => state.add(labels, value),
      // a non-number is refused as given (negated, an object read NaN)
      dec: (value = 1, labels) => state.add(labels, typeof value === 'number' ? -value : value, false, 'dec'),
    } satisfies Gauge) as Gauge
  }

  histogram(name: string, help: string, options: { labelNames?: string[] | undefined; buckets?: number[] | undefined } = {}): Histogram {
    const full = this._name(name, 'histogram')
    const buckets = options.buckets ?? DEFAULT_BUCKETS
    if (!Array.isArray(buckets)) throw new MetricError(`histogram '${full}': buckets must be an array of upper bounds ([0.1, 1, 10]), got ${shown(buckets)}`, full)
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new MetricError(`histogram '${full}': buckets must be finite and strictly increasing, got [${buckets.join(', ')}]`, full)
    }
    if ((options.labelNames ?? []).includes('le')) throw new MetricError(`histogram '${full}': 'le' is reserved for buckets`, full)
    const state = this._register(full, help, 'histogram', options.labelNames ?? [], buckets)
    return (state.handle ??= { observe: (value, labels) => state.observe(labels, value) } satisfies Histogram) as Histogram
  }

  /** Internal: one GC pause (seconds) of a kind, from the monitor's GC observer. */
  _gcObserve(kind: string, seconds: number): void {
    this._gcSeen = true
    this._gc.observe({ kind }, seconds)
  }

  expose(): string {
    return this._render(true)
  }

  /** Internal: the text of `prometheus: { file }`, without the process and runtime families (own.ts: collectOwn). */
  _exposeTextfile(): string {
    return this._render(false)
  }

  private _render(runtime: boolean): string {
    const families: MetricFamily[] = [...collectOwn(this.prefix, this._sources, { runtime })]
    if (runtime && this._gcSeen) families.push(this._gc.family())
    for (const state of this._metrics.values()) families.push(state.family())
    return renderFamilies(families)
  }

  private _name(name: string, type: MetricType): string {
    if (isPlainObject(name)) {
      // prom-client's new Counter({ name, help, labelNames })
      const given = name as { name?: unknown; help?: unknown }
      const example = `${type}(${typeof given.name === 'string' ? `'${given.name}'` : "'jobs'"}, ${typeof given.help === 'string' ? `'${given.help}'` : "'Jobs done.'"})`
      throw new MetricError(`invalid metric name: got an object (${json(name)}): ${type}(name, help, { labelNames }) takes the name and help as strings: ${example} (prom-client takes one object)`)
    }
    if (typeof name !== 'string' || !METRIC_NAME.test(name)) throw new MetricError(`invalid metric name '${String(name)}': expected [a-zA-Z_:][a-zA-Z0-9_:]*`)
    return name.startsWith(`${this.prefix}_`) ? name : `${this.prefix}_${name}`
  }

  private _register(name: string, help: string, type: MetricType, labelNames: readonly string[], buckets: readonly number[]): MetricState {
    // checked here, not at the first scrape: a bad help would fail every scrape (and the textfile) after
    if (typeof help !== 'string') throw new MetricError(`metric '${name}': help must be a string (what the metric measures), got ${shown(help)}`, name)
    // as prom-client ('Missing mandatory help parameter'): an empty one rendered `# HELP name ` and said nothing
    if (help.trim() === '') throw new MetricError(`metric '${name}': help must say what the metric measures, got ${shown(help)}`, name)
    // a string would pass as its characters (labels r, o, u, ...) and every series would lose its labels
    if (!Array.isArray(labelNames)) throw new MetricError(`metric '${name}': labelNames must be an array of label names (['route']), got ${shown(labelNames)}`, name)
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new MetricError(`metric '${name}': invalid label name '${label}'`, name)
    }
    if (isOwnName(name, this.prefix)) throw new MetricError(`metric '${name}' is one of unperf's own metrics (the exposition would hold it twice): choose another name`, name)
    const existing = this._metrics.get(name)
    if (existing !== undefined) {
      if (existing.type !== type) throw new MetricError(`metric '${name}' is already registered as a ${existing.type}, not a ${type}: choose another name`, name)
      // the same definition again is the same metric; another one would be ignored (a histogram's
      // observations landing in buckets its caller never chose, labels failing at the first record)
      const sameLabels = existing.labelNames.length === labelNames.length && existing.labelNames.every(l => labelNames.includes(l))
      const sameBuckets = type !== 'histogram' || (existing.buckets.length === buckets.length && existing.buckets.every((b, i) => b === buckets[i]))
      if (!sameLabels || !sameBuckets) {
        const def = (l: readonly string[], b: readonly number[]) => `labelNames [${l.join(', ')}]${type === 'histogram' ? `, buckets [${b.join(', ')}]` : ''}`
        throw new MetricError(`metric '${name}' is already registered with ${def(existing.labelNames, existing.buckets)}, not ${def(labelNames, buckets)}: one name, one definition`, name)
      }
      return existing
    }
    // counter('jobs') is `jobs_total`, gauge('jobs') is `jobs`: one name given two types (OpenMetrics
    // and OpenTelemetry name the counter's family `jobs` too, so they would collide there)
    const base = familyName(name, type)
    for (const other of this._metrics.values()) {
      if (familyName(other.name, other.type) === base) {
        throw new MetricError(`metric '${name}' (${type}): '${base}' is already registered as the ${other.type} '${other.name}': choose another name`, name)
      }
    }
    // a histogram's series (name_bucket, name_sum, name_count) must not be another metric's name, either way
    const mine = seriesNames(name, type)
    for (const other of this._metrics.values()) {
      if (seriesNames(other.name, other.type).some(n => mine.includes(n))) {
        throw new MetricError(`metric '${name}' (${type}) would expose series of the ${other.type} '${other.name}' (the exposition would hold them twice): choose another name`, name)
      }
    }
    const state = new MetricState(name, help, type, labelNames, buckets)
    this._metrics.set(name, state)
    return state
  }
}

export function createMetricsRegistry(prefix: string, sources: MetricsSources): PerfMetrics {
  return new MetricsRegistry(prefix, sources)
}

// --- internal ---

/** A value as an error message shows it: a string quoted, so `'2'` does not read as 2. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** JSON of a value a caller gave, for a message (a cycle or a BigInt: String()). */
function json(value: unknown): string {
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
function valueShown(value: unknown, method: 'inc' | 'dec' | 'set' | 'observe', next: unknown): string {
  if (!isPlainObject(value)) return shown(value)
  const labels = Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : json(v)}`).join(', ')
  return `an object (${json(value)}): the value comes first, the labels second: ${method}(${typeof next === 'number' ? next : 1}, { ${labels} }) (prom-client takes them the other way round)`
}

/** The name a metric is known by whatever its type: a counter's without its `_total`. */
function familyName(name: string, type: MetricType): string {
  return type === 'counter' ? name.replace(/_total$/, '') : name
}

/** The series names a metric exposes. */
function seriesNames(name: string, type: MetricType): string[] {
  return type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]
}
