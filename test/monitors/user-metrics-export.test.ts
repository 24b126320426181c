/**
 * User metrics recorded through prom-client's calls (labels(), startTimer(), setToCurrentTime(),
 * reset()) reach every Prometheus output a real process has: /metrics, the textfile and the
 * pushgateway. The timers run on the monotonic clock: a wall clock stepped back an hour mid-timer
 * (NTP) leaves them at the time that passed, where a Date-based timer recorded −3600 s.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import type { MetricSnapshot } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'
import { family, histogramSeries, parsePrometheus } from '../metrics/_prom.js'
import { bundleFixture, runNode, type Child } from './_child.js'

interface Printed { seconds: number; gaugeSeconds: number; childSeconds: number; wallClock: number; gets: MetricSnapshot[] }

let fixture: string
beforeAll(async () => {
  fixture = await bundleFixture(fileURLToPath(new URL('./fixtures/user-metrics.ts', import.meta.url)), { external: true })
})

async function printed(child: Child): Promise<Printed> {
  return JSON.parse((await child.line(/^\{.*\}$/m))[0]) as Printed
}

/** What every output must hold, from the text it got and what the process printed. */
function expectExported(text: string, out: Printed): void {
  const families = parsePrometheus(text)
  expect(family(families, 'acme_cli_requests_total').metrics).toEqual(expect.arrayContaining([
    { value: '2', labels: { method: 'GET', route: '/a' } },
    { value: '2', labels: { method: 'POST', route: '/b' } },
  ]))
  // reset(): a labelled metric has no series left, one without labels is back at 0
  expect(family(families, 'acme_cli_dropped_total').metrics).toEqual([])
  expect(family(families, 'acme_cli_plain_total').metrics).toEqual([{ value: '0' }])

  // the timers measured the 30 ms that passed, not the hour the wall clock went back
  for (const s of [out.seconds, out.gaugeSeconds, out.childSeconds]) {
    expect(s).toBeGreaterThanOrEqual(0.025)
    expect(s).toBeLessThan(60)
  }
  const series = histogramSeries(text, 'acme_cli_latency_seconds')
  expect(series).toEqual(expect.arrayContaining([
    { labels: { route: '/a', code: '200' }, buckets: { '0.001': '0', '10': '1', '+Inf': '1' }, count: '1', sum: String(out.seconds) },
    { labels: { route: '/b', code: '500' }, buckets: { '0.001': '0', '10': '1', '+Inf': '1' }, count: '1', sum: String(out.childSeconds) },
    { labels: { route: '/c' }, buckets: { '0.001': '0', '10': '1', '+Inf': '1' }, count: '1', sum: '3' },
  ]))
  expect(series).toHaveLength(3)

  const gauge = family(families, 'acme_cli_last_run_seconds').metrics
  const byJob = (job: string) => Number(gauge.find(m => m.labels?.job === job)?.value)
  expect(byJob('sleep')).toBe(out.gaugeSeconds)
  expect(byJob('x')).toBe(4)
  // setToCurrentTime(): the wall clock (stepped, as a file time written then would be), in seconds
  expect(Math.abs(byJob('build') - out.wallClock)).toBeLessThan(5)
}

describe('user metrics through prom-client\'s calls, exported from a real process', () => {
  it('/metrics serves them; get() gives prom-client\'s shape', async () => {
    const child = runNode(fixture, { PROJECT: tempDir('unperf-user-metrics-'), MODE: 'port' }, { stdin: true })
    try {
      const out = await printed(child)
      const port = Number((await child.line(/listening (\d+)/))[1])
      const res = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(res.status).toBe(200)
      expectExported(await res.text(), out)

      const [requests, dropped, plain, latency, lastRun] = out.gets
      expect(requests).toEqual({
        name: 'acme_cli_requests_total', help: 'Requests.', type: 'counter', aggregator: 'sum',
        values: [{ value: 2, labels: { method: 'GET', route: '/a' } }, { value: 2, labels: { method: 'POST', route: '/b' } }],
      })
      expect(dropped!.values).toEqual([])
      expect(plain!.values).toEqual([{ value: 0, labels: {} }])
      expect(latency!.values.filter(v => v.labels.route === '/c')).toEqual([
        { labels: { route: '/c', le: 0.001 }, value: 0, metricName: 'acme_cli_latency_seconds_bucket' },
        { labels: { route: '/c', le: 10 }, value: 1, metricName: 'acme_cli_latency_seconds_bucket' },
        { labels: { route: '/c', le: '+Inf' }, value: 1, metricName: 'acme_cli_latency_seconds_bucket' },
        { labels: { route: '/c' }, value: 3, metricName: 'acme_cli_latency_seconds_sum' },
        { labels: { route: '/c' }, value: 1, metricName: 'acme_cli_latency_seconds_count' },
      ])
      expect(lastRun!.values).toEqual(expect.arrayContaining([{ value: 4, labels: { job: 'x' } }, { value: out.gaugeSeconds, labels: { job: 'sleep' } }]))

      child.proc.stdin!.end()
      expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null })
    } finally {
      child.proc.kill()
    }
  }, 30_000)

  it('the textfile holds them', async () => {
    const project = tempDir('unperf-user-metrics-')
    const child = runNode(fixture, { PROJECT: project, MODE: 'file' })
    const out = await printed(child)
    expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null })
    expectExported(readFileSync(join(project, 'metrics.prom'), 'utf8'), out)
  }, 30_000)

  it('the pushgateway gets them', async () => {
    const bodies: string[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', d => { body += d })
      req.on('end', () => { bodies.push(body); res.writeHead(200).end() })
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    try {
      const gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const child = runNode(fixture, { PROJECT: tempDir('unperf-user-metrics-'), MODE: 'push', GATEWAY: gateway })
      const out = await printed(child)
      expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null })
      expect(bodies).toHaveLength(1)
      expectExported(bodies[0]!, out)
    } finally {
      server.close()
    }
  }, 30_000)
})
