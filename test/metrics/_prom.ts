import { createRequire } from 'node:module'

export interface ParsedFamily {
  name: string
  help: string
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>
}

/** The parse-prometheus-text-format package (no types of its own). */
export const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[]

export function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find(f => f.name === name)
  if (!found) throw new Error(`no metric family '${name}' in: ${families.map(f => f.name).join(', ')}`)
  return found
}

export interface HistogramSeries { labels: Record<string, string>; buckets: Record<string, string>; count: string; sum: string }

/**
 * The series of a labeled histogram. parse-prometheus-text-format merges every series of a
 * histogram into one (labels dropped), so the histogram is re-read as untyped samples
 * (`_bucket`, `_sum`, `_count`, still through the real parser) and grouped by labels here.
 */
export function histogramSeries(text: string, name: string): HistogramSeries[] {
  const families = parsePrometheus(text.replace(new RegExp(`^# TYPE ${name} histogram$`, 'm'), `# TYPE ${name} untyped`))
  const out = new Map<string, HistogramSeries>()
  const get = (labels: Record<string, string> = {}) => {
    const key = JSON.stringify(Object.entries(labels).sort())
    let series = out.get(key)
    if (!series) out.set(key, (series = { labels, buckets: {}, count: '', sum: '' }))
    return series
  }
  // untyped, the samples of one name come as one family per run of lines: a series after another's `_sum` starts another
  const samples = (series: string) => families.filter(f => f.name === `${name}${series}`).flatMap(f => f.metrics)
  for (const sample of samples('_bucket')) {
    const { le, ...labels } = sample.labels ?? {}
    get(labels).buckets[le!] = sample.value!
  }
  for (const sample of samples('_sum')) get(sample.labels).sum = sample.value!
  for (const sample of samples('_count')) get(sample.labels).count = sample.value!
  return [...out.values()]
}
