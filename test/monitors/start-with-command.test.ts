/**
 * When monitors (samplers, alerts, the Prometheus server) start. createPerf(): before it returns,
 * as a host serving /metrics without any perf.run() (a service, a script) expects. The adapters
 * (createPerfForCommands): with the first command, so a `--help` binds no port and samples nothing
 * (a second `cli --help` beside a running `cli dev` would warn EADDRINUSE).
 * Real HTTP server on loopback, real fetch.
 */
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createPerf, createPerfForCommands } from '../../src/runtime/perf.js'
import type { CreatePerfOptions } from '../../src/runtime/types.js'
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
const options = (port: number, interval: `${number}ms` | `${number}h` = '1h'): CreatePerfOptions => ({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, monitors: { interval, prometheus: { port, host: '127.0.0.1' } } } })

describe('when monitors start', () => {
  it('createPerf(): serving when it returns, with no command; closed with the run', async () => {
    const port = await freePort()
    const perf = await createPerf(options(port))
    expect(await serves(port)).toBe(200)
    expect((await perf.close()).monitor).toBeDefined()
    expect(await serves(port)).toBe('refused')
  })

  it('an adapter closed without a command (a --help): the port is never bound, nothing sampled, no monitor in the report', async () => {
    const port = await freePort()
    const perf = await createPerfForCommands(options(port, '20ms'))
    expect(perf.monitors?.prometheus).toBeDefined() // configured: there is an address to ask for
    await sleep(100)
    expect(await serves(port)).toBe('refused')
    const report = await perf.close()
    expect(report.monitor).toBeUndefined() // never started: never sampled, never served
    expect(await serves(port)).toBe('refused')
    expect(await perf.monitors!.prometheus!.address()).toBeUndefined() // the run is over: not started late
  })

  it('an adapter\'s perf.run(): serving by the time the command runs; sampled; closed with the run', async () => {
    const port = await freePort()
    const perf = await createPerfForCommands(options(port, '20ms'))
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

  it('an adapter\'s address() starts them at once', async () => {
    const asked = await createPerfForCommands(options(0))
    try {
      const endpoint = await asked.monitors!.prometheus!.address()
      expect(await fetch(endpoint!.url).then(r => r.status)).toBe(200)
    } finally {
      await asked.close()
    }
  })
})
