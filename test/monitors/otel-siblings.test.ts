/**
 * Concurrent sibling spans of one name in one command (`Promise.all(files.map(f => perf.span('parse',
 * ...)))`), each with a child: the OpenTelemetry export found a child's parent by name, depth and
 * time, so a child could land under another 'parse' that enclosed it in time. Span records now
 * carry `id` and `parentId`, and each child arrives under its own parent (the real OpenTelemetry
 * SDK, an in-memory exporter).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))
afterAll(() => { trace.disable() })

it("each child of concurrent same-name siblings is exported under its own sibling", async () => {
  const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
    cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: true },
  } })
  const FILES = 12
  await perf.run('lint', () => Promise.all(Array.from({ length: FILES }, (_, i) => perf.span('parse', async () => {
    // the later files' children start and end inside the earlier files' spans
    await sleep(i)
    await perf.span(`read ${i}`, () => sleep(2))
    await sleep(40 - 2 * i)
  }))))
  const report = await perf.close()
  const parses = report.spans.filter(s => s.name === 'parse')
  expect(parses).toHaveLength(FILES)
  for (let i = 0; i < FILES; i++) {
    const read = report.spans.find(s => s.name === `read ${i}`)!
    expect(read.parentId, `read ${i}`).toBeDefined()
    const parent = report.spans.find(s => s.id === read.parentId)!
    expect(parent.name).toBe('parse')
    // its own parse: the one that ran file i (ends last for the earliest files)
    expect(parent.start + parent.duration).toBeGreaterThanOrEqual(read.start + read.duration)
  }
  // in OpenTelemetry: each 'parse' has exactly one 'read' child
  const spans = exporter.getFinishedSpans()
  const reads = spans.filter(s => s.name.startsWith('read '))
  const parents = reads.map(r => r.parentSpanContext?.spanId)
  const parseIds = new Set(spans.filter(s => s.name === 'parse').map(s => s.spanContext().spanId))
  expect(parents.every(p => p !== undefined && parseIds.has(p))).toBe(true)
  expect(new Set(parents).size).toBe(FILES)
})
