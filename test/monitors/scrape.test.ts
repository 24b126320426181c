import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { family, histogramSeries, parsePrometheus } from '../metrics/_prom.js'
import { bundleFixture, runNode } from './_child.js'

const fixture = fileURLToPath(new URL('./fixtures/monitored-cli.ts', import.meta.url))

describe('a monitored CLI in a child process (issue 6)', () => {
  it('serves /metrics and /healthz over HTTP while working, then exits by itself', async () => {
    const file = await bundleFixture(fixture)
    const child = runNode(file, {}, { stdin: true })
    try {
      const port = Number((await child.line(/listening (\d+)/))[1])
      // let a few samples happen
      await new Promise(r => setTimeout(r, 400))
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(e => { throw new Error(`fetch /metrics: ${e.cause?.code ?? e.cause ?? e}; child: ${child.stdout()} ${child.stderr()} exit=${child.proc.exitCode}`) })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      const text = await res.text()
      const families = parsePrometheus(text)
      for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_active_handles_total']) {
        expect(family(families, name).metrics.length, name).toBe(1)
      }
      expect(Number(family(families, 'acme_cli_jobs_total').metrics[0]!.value)).toBeGreaterThan(0)
      expect(family(families, 'acme_cli_jobs_total').metrics[0]!.labels).toEqual({ kind: 'alloc' })
      expect(histogramSeries(text, 'acme_cli_command_duration_seconds')).toEqual([]) // no command finished yet

      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
      expect(health.status).toBe(200)
      const body = await health.json() as { status: string; samples: number; alerts: { metric: string }[] }
      expect(body.samples).toBeGreaterThan(0)
      expect(body).toMatchObject({ status: 'degraded', alerts: [{ metric: 'memory.rss', state: 'firing' }] })
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404)

      child.proc.stdin!.end() // the work ends
      await child.line(/done (\d+)/)
      // exits on its own: nothing but the unref'd monitor is left. 10 s is a hang guard, not a speed check.
      const exit = await Promise.race([child.exited, new Promise(r => setTimeout(() => r('hung'), 10_000).unref())])
      expect(exit, child.stderr()).toEqual({ code: 0, signal: null })
    } finally {
      child.proc.kill()
    }
  }, 30_000)
})
