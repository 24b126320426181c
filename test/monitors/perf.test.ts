import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { family, histogramSeries, parsePrometheus } from '../metrics/_prom.js'
import { bundleFixture, runNode } from './_child.js'
import { createPerf } from '../../src/runtime/perf.js'

const fixture = fileURLToPath(new URL('./fixtures/perf-cli.ts', import.meta.url))
const hasPerf = existsSync(fileURLToPath(new URL('../../src/runtime/perf.ts', import.meta.url)))

function freePort(): Promise<number> {
  return new Promise(done => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

describe.runIf(hasPerf)('createPerf with monitors on (issue 6)', () => {
  it('a CLI serves /metrics with command durations and user metrics, reports alerts, and exits by itself', async () => {
    const file = await bundleFixture(fixture, { external: true })
    const port = await freePort()
    const child = runNode(file, { PORT: String(port), PROJECT: tempDir() }, { stdin: true })
    try {
      await child.line(/^ready$/m)
      await new Promise(r => setTimeout(r, 400))
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      const families = parsePrometheus(text)
      expect(Number(family(families, 'acme_cli_jobs_total').metrics[0]!.value)).toBeGreaterThan(1)
      expect(histogramSeries(text, 'acme_cli_command_duration_seconds')).toMatchObject([{ labels: { command: 'prepare' }, count: '1' }])
      expect(family(families, 'acme_cli_cache_hits_total').type).toBe('COUNTER')
      expect(family(families, 'acme_cli_budget_breaches_total').metrics[0]!.value).toBe('0')
      expect(Number(family(families, 'nodejs_eventloop_lag_p99_seconds').metrics[0]!.value)).toBeGreaterThanOrEqual(0)

      // the rss alert (for: 200ms) fires while the build runs: /healthz says so
      const deadline = Date.now() + 10_000
      let health: { status?: string } = {}
      while (health.status !== 'degraded' && Date.now() < deadline) {
        health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json() as { status: string }
        if (health.status !== 'degraded') await new Promise(r => setTimeout(r, 50))
      }
      expect(health.status).toBe('degraded')
      child.proc.stdin!.end() // the build ends
      const exit = await Promise.race([child.exited, new Promise(r => setTimeout(() => r('hung'), 15_000).unref())])
      expect(exit, child.stderr()).toEqual({ code: 0, signal: null })
      const report = JSON.parse(child.stdout().match(/^report (.*)$/m)![1]!) as { alerts: { metric: string; state: string }[]; monitor?: { samples: number } }
      expect(report.alerts).toMatchObject([{ metric: 'memory.rss', state: 'firing' }])
      expect(report.monitor!.samples).toBeGreaterThanOrEqual(3)
    } finally {
      child.proc.kill()
    }
  }, 40_000)

  it('process.exit() in a command still writes the prometheus textfile (synchronous exit path)', async () => {
    const file = await bundleFixture(fileURLToPath(new URL('./fixtures/perf-exit.ts', import.meta.url)), { external: true })
    const project = tempDir()
    const child = runNode(file, { PROJECT: project })
    expect(await child.exited, child.stderr()).toEqual({ code: 3, signal: null })
    const text = readFileSync(join(project, 'metrics', 'acme.prom'), 'utf8')
    const families = parsePrometheus(text)
    expect(family(families, 'acme_cli_stage').metrics[0]!.value).toBe('2')
    // 'build', cut short by its process.exit(3), is recorded too (docs/adapters.md); histogramSeries() read the first series only until session 31
    expect(histogramSeries(text, 'acme_cli_command_duration_seconds')).toMatchObject([{ labels: { command: 'prepare' }, count: '1' }, { labels: { command: 'build' }, count: '1' }])
  }, 40_000)

  it('the textfile and the push written at close count the breaches of this run (budgets judged first)', async () => {
    const pushed: string[] = []
    const gateway = createHttpServer((req, res) => {
      let body = ''
      req.on('data', d => { body += d })
      req.on('end', () => { pushed.push(body); res.writeHead(200).end() })
    })
    await new Promise<void>(r => gateway.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
    try {
      for (const prometheus of [`{ file: 'metrics.prom' }`, `{ pushgateway: '${url}', job: 'ci' }`]) {
        const dir = tempDir('unperf-breaches-')
        // a glob that matches nothing fails: one breach
        writeFileSync(join(dir, 'perf.config.mjs'), `export default { name: 'acme-cli', cache: { driver: 'memory' }, report: { console: false, dir: './.perf' },
          budgets: { files: [{ path: 'dist/*.mjs', limit: '1kB' }] }, monitors: { interval: '1s', prometheus: ${prometheus} } }`)
        const perf = await createPerf({ cwd: dir, noExitHandlers: true })
        await perf.run('build', async () => {})
        const report = await perf.close()
        expect(report.budgets.filter(b => b.status === 'fail')).toHaveLength(1)
        const text = prometheus.includes('file') ? readFileSync(join(dir, 'metrics.prom'), 'utf8') : pushed.at(-1)!
        expect(family(parsePrometheus(text), 'acme_cli_budget_breaches_total').metrics[0]!.value).toBe('1')
      }
      expect(pushed).toHaveLength(1)
    } finally {
      gateway.close()
    }
  })
})
