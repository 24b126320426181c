import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bundleFixture, runNode } from './_child.js'

/**
 * A real CLI (citty adapter) with a real OpenTelemetry SDK (BatchSpanProcessor,
 * PeriodicExportingMetricReader) exporting over HTTP to a collector started here: unperf's spans
 * and metrics must reach it although the process ends right after its command.
 */
interface ExportedSpan {
  name: string; traceId: string; spanId: string; parentSpanId?: string
  startTime: [number, number]; endTime: [number, number]
  status: { code: number; message?: string }; attributes: Record<string, unknown>; scope: string
}

const SECRET = 's3cret-token-value'
const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6

describe('OpenTelemetry export from a CLI process that exits right after its command', () => {
  let server: Server
  let collector: string
  const requests: Array<{ path: string; body: string }> = []
  let file: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', d => { body += d })
      req.on('end', () => { requests.push({ path: req.url!, body }); res.writeHead(200, { 'content-type': 'application/json' }).end('{}') })
    })
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
    collector = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    file = await bundleFixture(fileURLToPath(new URL('./fixtures/otel-cli.ts', import.meta.url)), { external: true })
  }, 30_000)
  afterAll(() => new Promise<void>(done => server.close(() => done())))

  async function run(command: string, target = collector) {
    requests.length = 0
    const project = tempDir()
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'otel-cli', version: '1.0.0' }))
    writeFileSync(join(project, 'perf.config.mjs'), `export default { cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: { serviceName: 'otel-cli' } } }\n`)
    const started = Date.now()
    const child = runNode(file, { COLLECTOR: target, PROJECT: project, API_TOKEN: SECRET }, { cwd: project, args: [command, '--token', SECRET] })
    const exit = await child.exited
    const ended = Date.now()
    const spans = requests.filter(r => r.path === '/v1/traces').flatMap(r => JSON.parse(r.body) as ExportedSpan[])
    const metricNames = requests.filter(r => r.path === '/v1/metrics').flatMap(r => (JSON.parse(r.body) as Array<{ name: string }>).map(m => m.name))
    return { exit, elapsed: ended - started, stderr: child.stderr(), started, ended, spans, byName: new Map(spans.map(s => [s.name, s])), metricNames }
  }

  it('a command that succeeds: spans with names, nesting, times, scope and attributes (no argv, no env), metrics too', async () => {
    const { exit, stderr, started, ended, spans, byName, metricNames } = await run('ok')
    expect(exit, stderr).toEqual({ code: 0, signal: null })
    expect(stderr).not.toMatch(/OpenTelemetry/)
    expect(spans.map(s => s.name)).toEqual(expect.arrayContaining(['startup', 'command ok', 'compile', 'parse']))
    const command = byName.get('command ok')!
    const compile = byName.get('compile')!
    const parse = byName.get('parse')!
    expect(command.parentSpanId).toBeUndefined()
    expect(compile.parentSpanId).toBe(command.spanId)
    expect(parse.parentSpanId).toBe(compile.spanId)
    expect(new Set([command.traceId, compile.traceId, parse.traceId]).size).toBe(1)
    for (const phase of spans.filter(s => s.name.startsWith('startup '))) expect(phase.parentSpanId).toBe(byName.get('startup')!.spanId)
    // epoch times inside the child's life, children inside their parents
    expect(ms(command.startTime)).toBeGreaterThan(started - 2)
    expect(ms(command.endTime)).toBeLessThan(ended + 2)
    expect(ms(compile.startTime)).toBeGreaterThanOrEqual(ms(command.startTime))
    expect(ms(compile.endTime)).toBeLessThanOrEqual(ms(command.endTime))
    expect(ms(parse.startTime)).toBeGreaterThanOrEqual(ms(compile.startTime))
    expect(ms(parse.endTime)).toBeLessThanOrEqual(ms(compile.endTime))
    expect(ms(parse.endTime) - ms(parse.startTime)).toBeGreaterThanOrEqual(4)
    for (const s of spans) {
      expect(s.status.code, s.name).toBe(0)
      expect(s.scope).toBe('otel-cli')
    }
    expect(command.attributes).toMatchObject({ 'unperf.kind': 'command', 'unperf.command': 'ok' })
    expect(compile.attributes).toMatchObject({ 'unperf.kind': 'span', 'unperf.command': 'ok' })
    expect(requests.map(r => r.body).join('\n')).not.toContain(SECRET)
    // the user's metrics too (the fixture's counter, named without the prefix and _total)
    expect(metricNames).toEqual(expect.arrayContaining(['unperf.command.duration', 'unperf.startup.duration', 'files_compiled']))
  }, 30_000)

  it("a command that throws (the adapter's process.exit(1)): status ERROR with the message, the failed span too", async () => {
    const { exit, stderr, byName } = await run('fail')
    expect(exit, stderr).toEqual({ code: 1, signal: null })
    expect(stderr).toMatch(/deploy failed/)
    expect(stderr).not.toMatch(/OpenTelemetry/)
    const command = byName.get('command fail')!
    expect(command.status).toEqual({ code: 2, message: 'deploy failed' })
    const upload = byName.get('upload')!
    expect(upload.status.code).toBe(2)
    expect(upload.parentSpanId).toBe(command.spanId)
  }, 30_000)

  it('a collector that never answers holds the exit for the flush bound only, and close says so', async () => {
    const silent = createServer(() => {}) // takes the request, never answers
    await new Promise<void>(done => silent.listen(0, '127.0.0.1', done))
    try {
      const { exit, elapsed, stderr } = await run('fail', `http://127.0.0.1:${(silent.address() as AddressInfo).port}`)
      expect(exit, stderr).toEqual({ code: 1, signal: null })
      expect(stderr).toMatch(/\[unperf\] warn OpenTelemetry export failed: flushing the OpenTelemetry exporters (failed|took more than 3000 ms)/)
      expect(elapsed).toBeLessThan(3000 + 5000)
    } finally {
      silent.closeAllConnections()
      await new Promise<void>(done => silent.close(() => done()))
    }
  }, 30_000)
})
