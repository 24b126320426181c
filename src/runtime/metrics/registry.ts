/**
 * createMetricsRegistry: the user's counters, gauges and histograms (names prefixed with the
 * sanitized config name) plus unperf's own metrics, collected from `sources` at expose time
 * (pull model: nothing runs between scrapes).
 */
import { MetricError } from '../../errors.js'
import type { MetricsSources } from '../_internal.js'
import type { Counter, Gauge, Histogram, PerfMetrics } from '../types.js'
import { renderFamilies, type MetricFamily, type MetricType } from './exposition.js'
import { counterHandle, gaugeHandle, histogramHandle } from './handles.js'
import { DEFAULT_BUCKETS, GC_BUCKETS } from './histogram-data.js'
import { isPlainObject, json, MetricState, shown } from './metric-state.js'
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

/** The registry perf.ts creates; the monitor records GC pauses into it via `_gcObserve`. */
export class MetricsRegistry implements PerfMetrics {
  readonly prefix: string
  private readonly _metrics = new Map<string, MetricState>()
  private readonly _gc = new MetricState('nodejs_gc_duration_seconds', 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.', 'histogram', ['kind'], GC_BUCKETS)
  private _gcSeen = false

  constructor(prefix: string, private readonly _sources: MetricsSources) {
    this.prefix = sanitizeMetricPrefix(prefix)
  }

  counter<L extends string = string>(name: string, help: string, options: { labelNames?: readonly L[] | undefined } = {}): Counter<L> {
    let full = this._name(name, 'counter')
    if (!full.endsWith('_total')) full += '_total'
    const state = this._register(full, help, 'counter', options.labelNames ?? [], DEFAULT_BUCKETS)
    return (state.handle ??= counterHandle(state)) as unknown as Counter<L>
  }

  gauge<L extends string = string>(name: string, help: string, options: { labelNames?: readonly L[] | undefined } = {}): Gauge<L> {
    const state = this._register(this._name(name, 'gauge'), help, 'gauge', options.labelNames ?? [], DEFAULT_BUCKETS)
    return (state.handle ??= gaugeHandle(state)) as unknown as Gauge<L>
  }

  histogram<L extends string = string>(name: string, help: string, options: { labelNames?: readonly L[] | undefined; buckets?: readonly number[] | undefined } = {}): Histogram<L> {
    const full = this._name(name, 'histogram')
    const buckets = options.buckets ?? DEFAULT_BUCKETS
    if (!Array.isArray(buckets)) throw new MetricError(`histogram '${full}': buckets must be an array of upper bounds ([0.1, 1, 10]), got ${shown(buckets)}`, full)
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new MetricError(`histogram '${full}': buckets must be finite and strictly increasing, got [${buckets.join(', ')}]`, full)
    }
    const labelNames: readonly string[] = options.labelNames ?? []
    if (labelNames.includes('le')) throw new MetricError(`histogram '${full}': 'le' is reserved for buckets`, full)
    const state = this._register(full, help, 'histogram', labelNames, buckets)
    return (state.handle ??= histogramHandle(state)) as unknown as Histogram<L>
  }

  /** Internal: one GC pause (seconds) of a kind, from the monitor's GC observer. */
  _gcObserve(kind: string, seconds: number): void {
    this._gcSeen = true
    this._gc.observe({ kind }, seconds)
  }

  /** Internal: the user's metrics, for the OpenTelemetry export at close (otel-user-metrics.ts). */
  _userMetrics(): readonly MetricState[] {
    return [...this._metrics.values()]
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

/** The name a metric is known by whatever its type: a counter's without its `_total`. */
function familyName(name: string, type: MetricType): string {
  return type === 'counter' ? name.replace(/_total$/, '') : name
}

/** The series names a metric exposes. */
function seriesNames(name: string, type: MetricType): string[] {
  return type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]
}
