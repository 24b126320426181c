/**
 * Concurrent sibling spans of one name in one command (`Promise.all(files.map(f => perf.span('parse',
 * ...)))`), each with a child: the OpenTelemetry export found a child's parent by name, depth and
 * time, so a child could land under another 'parse' that enclosed it in time. Span records now
 * carry `id` and `parentId`, and the export links by them: OpenTelemetry gets the tree the report
 * records (the real OpenTelemetry SDK, an in-memory exporter). Which 'parse' a child's parent is
 * stays the stack's answer: siblings started in one synchronous run nest under each other (the
 * documented limit, docs/execution.md).
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

it("children of concurrent same-name spans are exported under the parent the report records (by id, not by name and time)", async () => {
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
  const byId = new Map(report.spans.map(s => [s.id, s]))
  const recordedParents: number[] = []
  for (let i = 0; i < FILES; i++) {
    const read = report.spans.find(s => s.name === `read ${i}`)!
    expect(read.parentId, `read ${i}`).toBeDefined()
    recordedParents.push(read.parentId!)
  }
  // in OpenTelemetry: each 'read' under a span of the name its recorded parent has, grouped exactly as
  // the report's parentIds group them
  const spans = exporter.getFinishedSpans()
  const otelParent = (i: number) => spans.find(s => s.name === `read ${i}`)!.parentSpanContext?.spanId
  for (let i = 0; i < FILES; i++) {
    const parent = spans.find(s => s.spanContext().spanId === otelParent(i))
    expect(parent?.name, `read ${i}`).toBe(byId.get(recordedParents[i]!)!.name)
  }
  for (let i = 0; i < FILES; i++) {
    for (let j = i + 1; j < FILES; j++) expect(otelParent(i) === otelParent(j), `read ${i} / read ${j}`).toBe(recordedParents[i] === recordedParents[j])
  }
})
