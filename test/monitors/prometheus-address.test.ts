/**
 * `monitors.prometheus: { port: 0 }` lets the OS pick the port, and a createPerf() user had no way
 * to learn which one it got: perf.monitors.prometheus.address() says (real HTTP server, real fetch).
 * `unperf monitor --serve --port 0 --json` says it on stdout too, as its first JSON line.
 */
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { startMetricsServer } from '../../src/runtime/monitors/prometheus.js'
import { tempDir } from '../helpers/tmp.js'
import { family, parsePrometheus } from '../metrics/_prom.js'
import { runNode } from './_child.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }

describe('perf.monitors.prometheus.address()', () => {
  it('port 0: resolves with the port the OS picked, and /metrics and /healthz answer there', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
      ...quiet, name: 'acme', monitors: { interval: '1h', prometheus: { port: 0, host: '127.0.0.1' } },
    } })
    try {
      const endpoint = await perf.monitors?.prometheus?.address()
      expect(endpoint).toBeDefined()
      const { port, url, healthz, host } = endpoint!
      expect(host).toBe('127.0.0.1')
      expect(port).toBeGreaterThan(0)
      expect(url).toBe(`http://127.0.0.1:${port}/metrics`)
      expect(healthz).toBe(`http://127.0.0.1:${port}/healthz`)
      perf.metrics.counter('jobs', 'Jobs.').inc(3)
      const res = await fetch(url)
      expect(res.status).toBe(200)
      expect(family(parsePrometheus(await res.text()), 'acme_jobs_total').metrics[0]!.value).toBe('3')
      expect(await (await fetch(healthz)).json()).toMatchObject({ status: 'ok', pid: process.pid })
    } finally {
      await perf.close()
    }
  })

  it('a custom path is in the url; the perf:ready listener can read it', async () => {
    let fromReady: Promise<unknown> | undefined
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
      ...quiet, monitors: { interval: '1h', prometheus: { port: 0, host: '127.0.0.1', path: '/prom' } },
      hooks: { 'perf:ready': (p) => { fromReady = p.monitors?.prometheus?.address() } },
    } })
    try {
      const endpoint = await fromReady as { url: string; port: number }
      expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}/prom`)
      expect((await fetch(endpoint.url)).status).toBe(200)
    } finally {
      await perf.close()
    }
  })

  it('after perf.close() (the server closed): resolves undefined, not the address of a closed server', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
      ...quiet, monitors: { interval: '1h', prometheus: { port: 0, host: '127.0.0.1' } },
    } })
    const endpoint = await perf.monitors!.prometheus!.address()
    expect((await fetch(endpoint!.url)).status).toBe(200)
    await perf.close()
    await expect(fetch(endpoint!.url)).rejects.toThrow()
    expect(await perf.monitors!.prometheus!.address()).toBeUndefined()
  })

  it('closed before it listens (host localhost: a lookup first): it does not go on to listen and serve after close()', async () => {
    const server = startMetricsServer({ port: 0, host: 'localhost', expose: () => 'up 1\n', health: () => ({}), warn: () => {} })
    await server.close()
    const bound = await server.listening
    expect(bound).toBeDefined()
    // the port it bound is free again: nothing answers there
    await expect(fetch(`http://127.0.0.1:${bound!.port}/metrics`)).rejects.toThrow()
    expect(await server.address()).toBeUndefined()
  })

  it('a port in use: resolves undefined (the warning says why); no HTTP output: no prometheus; monitors off: no monitors', async () => {
    const busy = createServer().listen(0, '127.0.0.1')
    await once(busy, 'listening')
    const taken = (busy.address() as AddressInfo).port
    try {
      const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
        ...quiet, monitors: { interval: '1h', prometheus: { port: taken, host: '127.0.0.1' } },
      } })
      expect(await perf.monitors!.prometheus!.address()).toBeUndefined()
      const report = await perf.close()
      expect(report.warnings?.map(w => w.message).join('\n')).toContain(`cannot listen on 127.0.0.1:${taken}`)
    } finally {
      busy.close()
    }
    const textfile = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval: '1h', prometheus: { file: 'm.prom' } } } })
    expect(textfile.monitors).toBeDefined()
    expect(textfile.monitors!.prometheus).toBeUndefined()
    await textfile.close()
    const off = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    expect(off.monitors).toBeUndefined()
    await off.close()
  })
})

describe('unperf monitor --serve --port 0 --json', () => {
  it('the first JSON line on stdout names where it serves; /metrics answers there', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0' }))
    // the built CLI (npm run build), as a user runs it
    const child = runNode(fileURLToPath(new URL('../../bin/unperf.mjs', import.meta.url)), { XDG_CACHE_HOME: join(cwd, '.xdg') }, { cwd, args: ['monitor', '--serve', '--port', '0', '--json', '--interval', '100', '--cwd', cwd] })
    try {
      const [line] = await child.line(/^.*\n/)
      const serving = JSON.parse(line) as { type: string; host: string; port: number; url: string; healthz: string }
      expect(serving).toMatchObject({ type: 'serving', host: '127.0.0.1', url: `http://127.0.0.1:${serving.port}/metrics` })
      expect(serving.port).toBeGreaterThan(0)
      expect((await fetch(serving.url)).status).toBe(200)
      expect(await (await fetch(serving.healthz)).json()).toMatchObject({ status: 'ok' })
      await child.line(/"type":"sample"/)
    } finally {
      child.proc.kill('SIGINT')
    }
    expect(await child.exited).toEqual({ code: 0, signal: null })
    // every stdout line is one JSON object
    for (const line of child.stdout().trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow()
  }, 30_000)
})
