/**
 * exportToOpenTelemetry: at close, replays the run's commands, spans and startup phases as
 * OpenTelemetry spans, and its command durations, cache counts, pool and budget figures and the
 * user's perf.metrics (otel-user-metrics.ts) as metrics, through @opentelemetry/api's global tracer and meter providers, so they show in
 * Jaeger/Tempo/... next to the host's own. Without a registered SDK the API is a no-op.
 * Then it flushes the host's providers (bounded by FLUSH_TIMEOUT_MS): a BatchSpanProcessor or a
 * PeriodicExportingMetricReader holds what it got on an unref'd timer, so a CLI that ends (or calls
 * process.exit()) right after close would otherwise lose unperf's spans and metrics.
 * @opentelemetry/api is an optional peer dependency, imported only here.
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import { MissingDependencyError, errorMessage } from '../errors.js'
import { bounded } from './bounded.js'
import { epochMs } from './clock.js'
import { exportUserMetrics } from './otel-user-metrics.js'
import type { MetricState } from './metrics/metric-state.js'
import type { CommandRecord, PerfMetrics, PerfReport, SpanRecord } from './types.js'

type OtelApi = typeof import('@opentelemetry/api')
type OtelSpan = import('@opentelemetry/api').Span
type HrTime = import('@opentelemetry/api').HrTime

/** The option that turns the export on, named in errors. */
const OPTION = 'monitors.opentelemetry'

/** How long close waits for the host's exporters; a collector that does not answer must not hold the CLI's exit. */
export const FLUSH_TIMEOUT_MS = 3000

/** `metrics`: the instance's registry, when perf.metrics was used: its user metrics go with unperf's own. */
export async function exportToOpenTelemetry(report: PerfReport, config: Pick<ResolvedPerfConfig, 'monitors' | 'name' | 'version'>, metrics?: PerfMetrics): Promise<void> {
  const options = config.monitors.opentelemetry
  if (!options) return
  let api: OtelApi
  try {
    api = await import('@opentelemetry/api')
  } catch (error) {
    throw new MissingDependencyError('@opentelemetry/api', OPTION, error)
  }
  const serviceName = options.serviceName || config.name
  exportSpans(api, report, serviceName, config.version)
  exportMetrics(api, report, serviceName, config.version)
  const user = metrics as { prefix?: string; _userMetrics?: () => readonly MetricState[] } | undefined
  if (user?._userMetrics && user.prefix !== undefined) {
    exportUserMetrics(api.metrics.getMeter(serviceName, config.version), { prefix: user.prefix, metrics: user._userMetrics() })
  }
  await flushProviders(api)
}

// --- internal ---

interface Flushable { forceFlush?: (options?: { timeoutMillis?: number }) => Promise<void> }

/**
 * forceFlush() on the global tracer provider (the SDK one behind the API's proxy) and meter
 * provider, when they have one (the API's no-op ones do not). Errors are gathered into one: an
 * SDK TracerProvider rejects with an array of its processors' errors.
 */
async function flushProviders(api: OtelApi): Promise<void> {
  const proxy = api.trace.getTracerProvider() as { getDelegate?: () => unknown }
  const tracerProvider = (typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy) as Flushable
  const meterProvider = api.metrics.getMeterProvider() as Flushable
  const flushes = [tracerProvider, meterProvider]
    .filter(p => typeof p.forceFlush === 'function')
    .map(p => p.forceFlush!({ timeoutMillis: FLUSH_TIMEOUT_MS }))
  if (flushes.length === 0) return
  const results = await bounded(Promise.allSettled(flushes), FLUSH_TIMEOUT_MS + 100, `flushing the OpenTelemetry exporters took more than ${FLUSH_TIMEOUT_MS} ms`)
  const failures = results.flatMap(r => r.status === 'rejected' ? [r.reason].flat() : [])
  if (failures.length > 0) throw new Error(`flushing the OpenTelemetry exporters failed: ${failures.map(f => errorMessage(f)).join('; ')}`)
}

/** ms since process start → HrTime since the epoch, sub-ms precision kept. */
function hrTime(msSinceStart: number): HrTime {
  const ms = epochMs(msSinceStart)
  const seconds = Math.floor(ms / 1000)
  const nanos = Math.round((ms - seconds * 1000) * 1e6)
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos]
}

function exportSpans(api: OtelApi, report: PerfReport, serviceName: string, version: string): void {
  const tracer = api.trace.getTracer(serviceName, version)
  const base = { 'unperf.name': report.name, 'unperf.env': report.env, 'process.pid': report.pid }
  const start = (name: string, startMs: number, parent: OtelSpan | undefined, attributes: Record<string, string | number>) =>
    tracer.startSpan(name, { startTime: hrTime(startMs), attributes: { ...base, ...attributes } },
      parent ? api.trace.setSpan(api.ROOT_CONTEXT, parent) : api.ROOT_CONTEXT)

  // startup: one span from process start with a child per phase
  if (report.startup.phases.length > 0) {
    const root = start('startup', 0, undefined, { 'unperf.kind': 'startup' })
    for (const phase of report.startup.phases) {
      start(`startup ${phase.name}`, phase.start, root, { 'unperf.kind': 'startup-phase' }).end(hrTime(phase.start + phase.duration))
    }
    root.end(hrTime(report.startup.total))
  }

  // commands, with the spans that ran inside them nested by depth and time
  const commandSpans: Array<{ record: CommandRecord; span: OtelSpan }> = report.commands.map(record => {
    const span = start(`command ${record.name}`, record.start, undefined, {
      'unperf.kind': 'command', 'unperf.command': record.name, 'unperf.memory_delta_bytes': record.memoryDelta, 'unperf.memory_peak_bytes': record.memoryPeak,
    })
    if (record.status === 'error') span.setStatus({ code: api.SpanStatusCode.ERROR, message: record.error?.message ?? 'failed' })
    return { record, span }
  })
  const byRun = new Map(commandSpans.flatMap(c => (c.record.run === undefined ? [] : [[c.record.run, c.span] as const])))
  const open: Array<{ record: SpanRecord; span: OtelSpan }> = []
  /** the spans by id: a span's parentId names its parent exactly (concurrent siblings may share a name) */
  const byId = new Map<number, OtelSpan>()
  for (const record of [...report.spans].sort((a, b) => a.start - b.start)) {
    // a run the report no longer holds (a long-running process keeps its newest 1 000 runs, and
    // 10 000 spans): its spans would each be a trace of their own, cut from their request
    if (record.run !== undefined && !byRun.has(record.run)) continue
    // a span's parent: the open span it names in its command's run, else that run's command span
    // (concurrent runs of one command, a service's requests, overlap: the run tells them apart)
    const parent = (record.parentId !== undefined ? byId.get(record.parentId) : undefined) ?? findParent(open, record)
      ?? (record.run !== undefined ? byRun.get(record.run) : commandOf(commandSpans, record))
    const span = start(record.name, record.start, parent, { 'unperf.kind': 'span', ...(record.command !== undefined && { 'unperf.command': record.command }) })
    if (record.status === 'error') span.setStatus({ code: api.SpanStatusCode.ERROR })
    span.end(hrTime(record.start + record.duration))
    open.push({ record, span })
    if (record.id !== undefined) byId.set(record.id, span)
  }
  for (const { record, span } of commandSpans) span.end(hrTime(record.start + record.duration))
}

function contains(outer: { start: number; duration: number }, inner: { start: number; duration: number }): boolean {
  return inner.start >= outer.start && inner.start + inner.duration <= outer.start + outer.duration + 0.001
}

function findParent(open: Array<{ record: SpanRecord; span: OtelSpan }>, record: SpanRecord): OtelSpan | undefined {
  if (record.depth === 0) return undefined
  for (let i = open.length - 1; i >= 0; i--) {
    const candidate = open[i]!
    if (candidate.record.depth === record.depth - 1 && (record.parent === undefined || candidate.record.name === record.parent) && candidate.record.command === record.command && candidate.record.run === record.run && contains(candidate.record, record)) return candidate.span
  }
  return undefined
}

/** A span started outside any command (no run): a command around it in time, as before runs were recorded. */
function commandOf(commands: Array<{ record: CommandRecord; span: OtelSpan }>, record: SpanRecord): OtelSpan | undefined {
  return (commands.find(c => c.record.name === record.command && contains(c.record, record)) ?? commands.find(c => contains(c.record, record)))?.span
}

function exportMetrics(api: OtelApi, report: PerfReport, serviceName: string, version: string): void {
  const meter = api.metrics.getMeter(serviceName, version)
  const duration = meter.createHistogram('unperf.command.duration', { unit: 's', description: 'Duration of perf.run() commands.' })
  for (const c of report.commands) duration.record(c.duration / 1000, { 'unperf.command': c.name, 'unperf.status': c.status })
  const startup = meter.createHistogram('unperf.startup.duration', { unit: 's', description: 'Time from process start to the first command.' })
  startup.record(report.startup.total / 1000)

  const cache = {
    hits: meter.createCounter('unperf.cache.hits', { description: 'Cache hits.' }),
    misses: meter.createCounter('unperf.cache.misses', { description: 'Cache misses.' }),
    evictions: meter.createCounter('unperf.cache.evictions', { description: 'Cache evictions.' }),
  }
  for (const [namespace, stats] of Object.entries(report.cache.namespaces)) {
    if (stats.hits) cache.hits.add(stats.hits, { 'unperf.namespace': namespace })
    if (stats.misses) cache.misses.add(stats.misses, { 'unperf.namespace': namespace })
    if (stats.evictions) cache.evictions.add(stats.evictions, { 'unperf.namespace': namespace })
  }
  const tasks = meter.createCounter('unperf.pool.tasks', { description: 'Pool tasks finished.' })
  for (const pool of report.pools) {
    if (pool.completed) tasks.add(pool.completed, { 'unperf.pool': pool.name, 'unperf.result': 'completed' })
    if (pool.failed) tasks.add(pool.failed, { 'unperf.pool': pool.name, 'unperf.result': 'failed' })
  }
  const breaches = report.budgets.filter(b => b.status === 'fail').length
  if (breaches > 0) meter.createCounter('unperf.budget.breaches', { description: 'Performance budgets exceeded.' }).add(breaches)
  const peak = report.memory.peakRss
  if (peak > 0) meter.createHistogram('unperf.memory.peak_rss', { unit: 'By', description: 'Peak resident memory of the run.' }).record(peak)
}
