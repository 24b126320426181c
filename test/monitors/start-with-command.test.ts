/**
 * Monitors (samplers, alerts, the Prometheus server) start with the first command, not in
 * createPerf(): a host that closes without running one (its --help) binds no port and samples
 * nothing. A host that runs no command but lives on (a service serving outside perf.run) gets them
 * one interval (at most 1 s) after createPerf(), and `perf.monitors.prometheus.address()` starts them at once.
 * Real HTTP server on loopback, real fetch.
 */
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

const serves = (port: number) => fetch(`http://127.0.0.1:${port}/metrics`).then(r => r.status, () => 'refused')

describe('monitors start with the first command', () => {
  it('closed without a command (a --help): the port is never bound, nothing sampled, no monitor in the report', async () => {
    const port = await freePort()
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval: '1h', prometheus: { port, host: '127.0.0.1' } } } })
    expect(perf.monitors?.prometheus).toBeDefined() // configured: there is an address to ask for
    const report = await perf.close()
    expect(report.monitor).toBeUndefined() // never started: never sampled, never served
    expect(await serves(port)).toBe('refused')
    expect(await perf.monitors!.prometheus!.address()).toBeUndefined()
    // closed before the interval is over: the closed instance does not start them late
    const early = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval: '100ms', prometheus: { port, host: '127.0.0.1' } } } })
    expect((await early.close()).monitor).toBeUndefined()
    await sleep(250)
    expect(await serves(port)).toBe('refused')
  })

  it('perf.run(): serving by the time the command runs; sampled; closed with the run', async () => {
    const port = await freePort()
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval: '20ms', prometheus: { port, host: '127.0.0.1' } } } })
    let during: unknown
    await perf.run('build', async () => {
      during = await serves(port)
      await sleep(100)
    })
    expect(during).toBe(200)
    const report = await perf.close()
    expect(report.monitor?.samples).toBeGreaterThan(0)
    expect(await serves(port)).toBe('refused')
  })

  it('no command (a service): started one interval after createPerf(), at most 1 s; address() starts them at once', async () => {
    const port = await freePort()
    // sampled hourly: /metrics is served within a second all the same
    const service = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval: '1h', prometheus: { port, host: '127.0.0.1' } } } })
    try {
      let status: unknown = 'refused'
      for (let i = 0; i < 100 && status !== 200; i++) { await sleep(50); status = await serves(port) }
      expect(status).toBe(200)
    } finally {
      expect((await service.close()).monitor).toBeDefined()
    }
    const asked = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval: '1h', prometheus: { port: 0, host: '127.0.0.1' } } } })
    try {
      const endpoint = await asked.monitors!.prometheus!.address()
      expect(await fetch(endpoint!.url).then(r => r.status)).toBe(200)
    } finally {
      await asked.close()
    }
  })
})
