/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for what parse-prometheus-text-format
 * lets through: every family has one HELP and one TYPE before its samples, samples stay in their
 * family, names and label names are valid, label values use only the \\ \" \n escapes, values are
 * numbers (or NaN, ±Inf), counters are not negative, no series appears twice (a label with an empty
 * value is no label, as Prometheus reads it), and every histogram series has ascending `le` buckets,
 * cumulative, ending in +Inf equal to its _count, with a _sum.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export interface StrictSample { name: string; labels: Record<string, string>; value: number }
export interface StrictFamily { name: string; help?: string; type?: string; samples: StrictSample[] }

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="/
const VALUE = /^(NaN|[+-]Inf|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/

/** The families, or the first problems found (line numbers from 1). */
export function readStrict(text: string): { errors: string[]; families: Map<string, StrictFamily> } {
  const errors: string[] = []
  const families = new Map<string, StrictFamily>()
  const seen = new Set<string>()
  let current: StrictFamily | undefined
  if (text !== '' && !text.endsWith('\n')) errors.push('the text does not end with a line feed')
  const lines = text.split('\n')
  lines.pop()
  lines.forEach((line, index) => {
    const at = `line ${index + 1}`
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string]
      if (!NAME.test(name)) errors.push(`${at}: invalid metric name '${name}'`)
      const family = families.get(name) ?? { name, samples: [] }
      families.set(name, family)
      if (family.samples.length > 0) errors.push(`${at}: ${kind} of ${name} after its samples`)
      if (kind === 'HELP') {
        if (family.help !== undefined) errors.push(`${at}: second HELP for ${name}`)
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) errors.push(`${at}: HELP of ${name} has an escape other than \\\\ and \\n`)
        family.help = rest
      } else {
        if (family.type !== undefined) errors.push(`${at}: second TYPE for ${name}`)
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(rest)) errors.push(`${at}: unknown type '${rest}'`)
        family.type = rest
      }
      current = family
      return
    }
    if (line.startsWith('#')) return // a comment
    const match = SAMPLE.exec(line)
    if (!match) return void errors.push(`${at}: not a sample line: ${JSON.stringify(line)}`)
    const [, name, rawLabels, rawValue] = match as unknown as [string, string, string | undefined, string]
    if (!VALUE.test(rawValue)) errors.push(`${at}: value '${rawValue}' is not a number`)
    const labels = rawLabels === undefined ? {} : readLabels(rawLabels.slice(1, -1), at, errors)
    const base = name.replace(/_(bucket|sum|count)$/, '')
    if (!current || (current.name !== name && !(current.type === 'histogram' && current.name === base))) {
      errors.push(`${at}: sample ${name} outside its family (${current?.name ?? 'none'})`)
    } else {
      if (current.type === undefined || current.help === undefined) errors.push(`${at}: ${name} without HELP and TYPE before it`)
      const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue)
      if (current.type === 'counter' && !(value >= 0)) errors.push(`${at}: counter ${name} is ${rawValue}`)
      current.samples.push({ name, labels, value })
    }
    const key = name + JSON.stringify(Object.entries(labels).filter(([, v]) => v !== '').sort())
    if (seen.has(key)) errors.push(`${at}: series ${key} appears twice`)
    seen.add(key)
  })
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family, errors)
  return { errors, families }
}

function readLabels(text: string, at: string, errors: string[]): Record<string, string> {
  const labels: Record<string, string> = {}
  let i = 0
  while (i < text.length) {
    const name = LABEL.exec(text.slice(i))
    if (!name) { errors.push(`${at}: invalid label at '${text.slice(i)}'`); break }
    i += name[0].length
    let value = ''
    for (;;) {
      if (i >= text.length) { errors.push(`${at}: unterminated label value`); return labels }
      const c = text[i]!
      if (c === '"') { i++; break }
      if (c === '\\') {
        const next = text[i + 1]
        if (next === '\\' || next === '"') value += next
        else if (next === 'n') value += '\n'
        else errors.push(`${at}: invalid escape '\\${next}' in a label value`)
        i += 2
        continue
      }
      value += c
      i++
    }
    if (name[1]! in labels) errors.push(`${at}: label ${name[1]} twice`)
    labels[name[1]!] = value
    if (text[i] === ',') i++
    else if (i < text.length) { errors.push(`${at}: expected ',' at '${text.slice(i)}'`); break }
  }
  return labels
}

function checkHistogram(family: StrictFamily, errors: string[]): void {
  const series = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>()
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    const s = series.get(key) ?? { buckets: [] }
    series.set(key, s)
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) errors.push(`${family.name}${key}: a bucket without le`)
      else s.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value])
    } else if (sample.name.endsWith('_sum')) s.sum = sample.value
    else if (sample.name.endsWith('_count')) s.count = sample.value
    else errors.push(`${family.name}: sample ${sample.name} in a histogram`)
  }
  for (const [key, s] of series) {
    if (s.sum === undefined || s.count === undefined) errors.push(`${family.name}${key}: no _sum or _count`)
    const last = s.buckets.at(-1)
    if (!last || last[0] !== Infinity) errors.push(`${family.name}${key}: no +Inf bucket last`)
    else if (last[1] !== s.count) errors.push(`${family.name}${key}: +Inf bucket ${last[1]} is not _count ${s.count}`)
    for (let i = 1; i < s.buckets.length; i++) {
      if (!(s.buckets[i]![0] > s.buckets[i - 1]![0])) errors.push(`${family.name}${key}: le not ascending`)
      if (s.buckets[i]![1] < s.buckets[i - 1]![1]) errors.push(`${family.name}${key}: buckets not cumulative`)
    }
  }
}
