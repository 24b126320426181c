import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { metrics, trace } from '@opentelemetry/api'
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { exportToOpenTelemetry } from '../../src/runtime/otel.js'
import { createPerf } from '../../src/runtime/perf.js'
import type { PerfReport } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'
import { runNode } from './_child.js'
import { monitorsConfig } from './_config.js'

/** Off by up to ±0.5 ms (Date.now() counts whole ms), plus the test's own reading of it. */
const TOLERANCE_MS = 2
const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6

const zero = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0 }
function report(): PerfReport {
  return {
    schemaVersion: 1, name: 'acme', version: '1.0.0', env: 'test', pid: process.pid,
    startedAt: new Date().toISOString(), endedAt: new Date().toISOString(), node: process.version, platform: process.platform, argv: [],
    startup: { total: 40, phases: [{ name: 'config', start: 0, duration: 30 }, { name: 'ready', start: 30, duration: 10 }] },
    commands: [
      { name: 'build', status: 'ok', start: 50, duration: 100, memoryDelta: 10, memoryPeak: 20 },
      { name: 'deploy', status: 'error', start: 200, duration: 10, memoryDelta: 0, memoryPeak: 0, error: { name: 'Error', message: 'boom' } },
    ],
    spans: [
      { name: 'compile', start: 60, duration: 50, depth: 0, command: 'build', status: 'ok' },
      { name: 'parse', start: 61, duration: 10, depth: 1, parent: 'compile', command: 'build', status: 'ok' },
    ],
    cache: { ...zero, hits: 5, namespaces: { default: { ...zero, hits: 5, misses: 2 } } },
    memory: { peakRss: 123_456, snapshots: [], trend: { direction: 'stable', slope: 0 } },
    pools: [{ name: 'default', concurrency: 4, adaptive: false, active: 0, queued: 0, completed: 7, failed: 1, cancelled: 0, retries: 0, timeouts: 0 }],
    budgets: [], alerts: [],
  } as unknown as PerfReport
}
const config = { name: 'acme', version: '1.0.0', monitors: monitorsConfig({ opentelemetry: { serviceName: 'acme-cli' } }) } as unknown as ResolvedPerfConfig

class TestReader extends MetricReader {
  constructor() { super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE }) }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('OpenTelemetry export', () => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  trace.setGlobalTracerProvider(provider)
  const reader = new TestReader()
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
  afterAll(() => { trace.disable(); metrics.disable() })

  it("exports startup phases, commands and nested spans through the host's global tracer", async () => {
    await exportToOpenTelemetry(report(), config)
    const spans = exporter.getFinishedSpans()
    const byName = new Map(spans.map(s => [s.name, s]))
    expect([...byName.keys()].sort()).toEqual(['command build', 'command deploy', 'compile', 'parse', 'startup', 'startup config', 'startup ready'])
    const id = (name: string) => byName.get(name)!.spanContext().spanId
    const parentOf = (name: string) => byName.get(name)!.parentSpanContext?.spanId
    expect(parentOf('startup config')).toBe(id('startup'))
    expect(parentOf('compile')).toBe(id('command build'))
    expect(parentOf('parse')).toBe(id('compile'))
    expect(parentOf('command build')).toBeUndefined()
    expect(byName.get('compile')!.spanContext().traceId).toBe(byName.get('command build')!.spanContext().traceId)
    expect(byName.get('command deploy')!.status).toMatchObject({ code: 2, message: 'boom' })
    expect(byName.get('compile')!.instrumentationScope.name).toBe('acme-cli')
    // times: ms since process start → epoch, duration kept
    const build = byName.get('command build')!
    expect(build.duration[0] * 1e3 + build.duration[1] / 1e6).toBeCloseTo(100, 3)
    const processStart = Date.now() - process.uptime() * 1e3
    expect(Math.abs(ms(build.startTime) - (processStart + 50))).toBeLessThan(TOLERANCE_MS)
    expect(build.attributes).toMatchObject({ 'unperf.command': 'build', 'unperf.memory_peak_bytes': 20 })
  })

  it('real spans: their epoch times match Date.now() around them, sub-ms precision kept', async () => {
    exporter.reset()
    const dir = tempDir()
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, overrides: {
      cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: { serviceName: 'real' } },
    } })
    const wall: Record<string, [number, number]> = {}
    const before = Date.now()
    await perf.run('build', async () => {
      for (const name of ['first', 'second']) {
        const t0 = Date.now()
        await perf.span(name, async () => { const end = Date.now() + 15; while (Date.now() < end); })
        wall[name] = [t0, Date.now()]
      }
    })
    wall['command build'] = [before, Date.now()]
    await perf.close()
    const spans = new Map(exporter.getFinishedSpans().map(s => [s.name, s]))
    for (const [name, [t0, t1]] of Object.entries(wall)) {
      const span = spans.get(name)!
      expect(span, name).toBeDefined()
      // Date.now() counts whole ms: the span lies in [t0, t1 + 1), give or take the tolerance
      expect(ms(span.startTime), name).toBeGreaterThan(t0 - TOLERANCE_MS)
      expect(ms(span.endTime), name).toBeLessThan(t1 + 1 + TOLERANCE_MS)
      expect(ms(span.endTime) - ms(span.startTime), name).toBeGreaterThanOrEqual(15 - TOLERANCE_MS)
    }
    expect(ms(spans.get('second')!.startTime)).toBeGreaterThanOrEqual(ms(spans.get('first')!.endTime))
    // sub-ms: the nanoseconds are not all whole ms
    expect([...spans.values()].some(s => s.startTime[1] % 1e6 !== 0 && s.endTime[1] % 1e6 !== 0)).toBe(true)
    for (const s of spans.values()) expect(s.startTime[1]).toBeLessThan(1e9)
  })

  it("exports command durations, cache and pool counts through the host's global meter", async () => {
    const { resourceMetrics } = await reader.collect()
    const all = resourceMetrics.scopeMetrics.flatMap(s => s.metrics)
    const metric = (name: string) => all.find(m => m.descriptor.name === name)!
    expect(metric('unperf.command.duration').descriptor.unit).toBe('s')
    expect(metric('unperf.command.duration').dataPoints).toHaveLength(2)
    expect(metric('unperf.cache.hits').dataPoints).toMatchObject([{ value: 5, attributes: { 'unperf.namespace': 'default' } }])
    expect(metric('unperf.cache.misses').dataPoints).toMatchObject([{ value: 2 }])
    expect(metric('unperf.pool.tasks').dataPoints).toEqual(expect.arrayContaining([expect.objectContaining({ value: 7, attributes: { 'unperf.pool': 'default', 'unperf.result': 'completed' } })]))
  })

  it('does nothing when the option is off', async () => {
    exporter.reset()
    await exportToOpenTelemetry(report(), { ...config, monitors: monitorsConfig() })
    expect(exporter.getFinishedSpans()).toEqual([])
  })

  it('without @opentelemetry/api installed: MissingDependencyError naming the package and the option', async () => {
    const dir = tempDir() // outside the repo: no node_modules to resolve from
    const entry = join(dir, 'entry.mjs')
    writeFileSync(entry, `import { exportToOpenTelemetry } from ${JSON.stringify(fileURLToPath(new URL('../../src/runtime/otel.ts', import.meta.url)))}
try { await exportToOpenTelemetry({}, { name: 'a', version: '1', monitors: { opentelemetry: { serviceName: 'a' } } }) }
catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })) }`)
    const outfile = join(dir, 'out.mjs')
    await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', external: ['@opentelemetry/api'], logLevel: 'error' })
    const child = runNode(outfile)
    await child.exited
    const error = JSON.parse(child.stdout())
    expect(error).toMatchObject({ name: 'MissingDependencyError', code: 'E_MISSING_DEP' })
    expect(error.message).toMatch(/^\[unperf\] monitors\.opentelemetry needs the package '@opentelemetry\/api'/)
  })
})
