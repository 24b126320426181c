/**
 * `prometheus: { file }` (node_exporter's textfile collector) leaves out the unprefixed `process_*` and
 * `nodejs_*` families: node_exporter exports `process_*` for itself, and two Node CLIs writing textfiles
 * into one dir both wrote `nodejs_*`; the collector fails its whole scrape on a series collected twice
 * ("was collected before with the same name and label values"). `/metrics` keeps them.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { startMonitors } from '../../src/runtime/monitors/index.js'
import { tempDir } from '../helpers/tmp.js'
import { parsePrometheus } from '../metrics/_prom.js'
import { emptySources, monitorContext } from './_config.js'

const runtimeFamily = (name: string) => name.startsWith('process_') || name.startsWith('nodejs_')

/** The series names of a text (what node_exporter keys a duplicate on, with the labels). */
function seriesKeys(text: string): string[] {
  return text.split('\n').filter(line => line !== '' && !line.startsWith('#')).map(line => line.slice(0, line.lastIndexOf(' ')))
}

describe('prometheus { file }: no process or runtime families', () => {
  it('two CLIs writing into one textfile dir expose no series twice; each keeps its own and its user metrics', async () => {
    const dir = tempDir()
    const texts: string[] = []
    for (const name of ['acme', 'other']) {
      const last = { time: Date.now(), eventLoop: { p50: 1, p99: 2, max: 3, mean: 1, utilization: 0.1 }, cpu: { percent: 5, user: 1, system: 1 } }
      const sources = emptySources({ lastSample: () => last })
      const metrics = createMetricsRegistry(name, sources) as ReturnType<typeof createMetricsRegistry> & { _gcObserve(kind: string, s: number): void }
      metrics.counter('jobs', 'Jobs done.').inc(2)
      metrics._gcObserve('minor', 0.001) // a GC pause seen: nodejs_gc_duration_seconds has a series
      const file = join(dir, `${name}.prom`)
      await startMonitors(monitorContext({ prometheus: { file } }), metrics, sources).stop()
      const text = readFileSync(file, 'utf8')
      texts.push(text)
      const names = parsePrometheus(text).map(f => f.name)
      expect(names.filter(runtimeFamily)).toEqual([])
      expect(names).toEqual(expect.arrayContaining([`${name}_jobs_total`, `${name}_commands_total`, `${name}_process_cpu_ratio`, `${name}_budget_breaches_total`]))
      // /metrics (and the pushgateway, whose job and grouping labels keep each push's series apart) keep them
      const served = parsePrometheus(metrics.expose()).map(f => f.name)
      expect(served).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds']))
    }
    const all = texts.flatMap(seriesKeys)
    expect(all.filter((key, i) => all.indexOf(key) !== i)).toEqual([])
  })
})
