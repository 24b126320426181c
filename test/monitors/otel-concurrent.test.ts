/**
 * A service timing each request with perf.run('GET /item'): the requests overlap, all under one
 * command name, and each request's spans must arrive under its own command span in the host's
 * OpenTelemetry SDK (the real one, an in-memory exporter), not under whichever run of the same
 * name happens to enclose them in time.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

const REQUESTS = 40

// one global provider for the file (the API refuses a second registration)
const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))
afterAll(() => { trace.disable() })
beforeEach(() => { exporter.reset() })

describe('OpenTelemetry export of concurrent runs of one command', () => {
  it("each request's spans (same names in every request) nest under that request's own command span", async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
      cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: true },
    } })
    // staggered starts and a tail of work after the spans: a later request's spans lie inside an
    // earlier request's time span, as in a service under load
    await Promise.all(Array.from({ length: REQUESTS }, (_, i) => perf.run('GET /item', async () => {
      await sleep(i % 10)
      await perf.span('load', async () => {
        await sleep(1 + (i * 7) % 5)
        await perf.span(`db ${i}`, () => sleep(2))
      })
      await perf.span(`render ${i}`, () => sleep(1))
      await sleep(30 - (i % 10))
    })))
    const report = await perf.close()
    expect(new Set(report.commands.map(c => c.run)).size).toBe(REQUESTS)

    const spans = exporter.getFinishedSpans()
    const byId = new Map(spans.map(s => [s.spanContext().spanId, s]))
    const parent = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? '')
    const named = (name: string) => spans.find(s => s.name === name)!
    const commandOf = new Map<ReadableSpan, number>()
    for (let i = 0; i < REQUESTS; i++) {
      const load = parent(named(`db ${i}`))!
      expect(load.name).toBe('load')
      const command = parent(load)!
      expect(command.name).toBe('command GET /item')
      // render i ran in the same request: the same command span
      expect(parent(named(`render ${i}`)), `render ${i}`).toBe(command)
      expect(commandOf.has(command), `request ${i} shares its command span with request ${commandOf.get(command)}`).toBe(false)
      commandOf.set(command, i)
      expect(command.spanContext().traceId).toBe(named(`db ${i}`).spanContext().traceId)
    }
    // one command span per request, each the parent of exactly its request's 'load'
    expect(commandOf.size).toBe(REQUESTS)
    for (const load of spans.filter(s => s.name === 'load')) expect(commandOf.has(parent(load)!)).toBe(true)
  })
})

describe('OpenTelemetry export of concurrent runs with graphs', () => {
  it("a graph's tasks (spans started under an explicit parent) carry their run and nest under their own request", async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
      cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: true },
    } })
    await Promise.all(Array.from({ length: 8 }, (_, i) => perf.run('POST /build', () => perf.graph({
      [`schema ${i}`]: { run: () => sleep(5 + i) },
      [`emit ${i}`]: { deps: [`schema ${i}`], run: () => sleep(10) },
    }))))
    const report = await perf.close()
    for (let i = 0; i < 8; i++) {
      const task = report.spans.find(s => s.name === `emit ${i}`)!
      expect(task.run, `emit ${i}`).toBe(report.spans.find(s => s.name === `schema ${i}`)!.run)
      expect(task.run).toBeGreaterThan(0)
    }
    const spans = exporter.getFinishedSpans()
    const byId = new Map(spans.map(s => [s.spanContext().spanId, s]))
    const rootOf = (s: ReadableSpan): ReadableSpan => {
      const parent = byId.get(s.parentSpanContext?.spanId ?? '')
      return parent ? rootOf(parent) : s
    }
    const commands = new Set<ReadableSpan>()
    for (let i = 0; i < 8; i++) {
      const root = rootOf(spans.find(s => s.name === `emit ${i}`)!)
      expect(root.name).toBe('command POST /build')
      expect(rootOf(spans.find(s => s.name === `schema ${i}`)!)).toBe(root)
      commands.add(root)
    }
    expect(commands.size).toBe(8)
  })
})

describe('OpenTelemetry export of a long-running process', () => {
  it('spans of runs older than the report keeps are not exported as traces cut from their request', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
      cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: true },
    } })
    // 3 000 requests with 2 spans each: the report keeps the newest 1 000 runs and 6 000 spans (< 10 000)
    for (let i = 0; i < 3000; i++) {
      await perf.run('GET /item', () => perf.span('load', () => perf.span(`db ${i}`, () => i)))
    }
    const report = await perf.close()
    expect(report.commandsDropped).toBeGreaterThan(0)
    const kept = new Set(report.commands.map(c => c.run))
    expect(report.spans.some(s => !kept.has(s.run))).toBe(true) // the report still has them

    const spans = exporter.getFinishedSpans()
    const commands = spans.filter(s => s.name === 'command GET /item')
    expect(commands).toHaveLength(report.commands.length)
    // every exported span of a request sits under its command: no root 'load' or 'db' traces
    const byId = new Map(spans.map(s => [s.spanContext().spanId, s]))
    const roots = spans.filter(s => !byId.has(s.parentSpanContext?.spanId ?? '')).map(s => s.name)
    expect(new Set(roots)).toEqual(new Set(['command GET /item', 'startup']))
    expect(spans.filter(s => s.name === 'load')).toHaveLength(report.commands.length)
  })
})
