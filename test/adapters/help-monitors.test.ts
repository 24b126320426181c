/**
 * `mycli --help` while `mycli dev` holds `monitors.prometheus.port`: --help, --version and a usage
 * error run no command, so they start no monitor and bind no port (they printed "prometheus: cannot
 * listen on …:9464 (EADDRINUSE)" and paid the monitors' start); their report and history line are
 * still written. A command run starts them. Real child processes of each adapter host (_host.ts),
 * a real port held by this test.
 */
import { once } from 'node:events'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADAPTER_HOSTS, built, exitHooks, host } from './_host.js'

let busy: Server
let port = 0
beforeAll(async () => {
  busy = createServer().listen(0, '127.0.0.1')
  await once(busy, 'listening')
  port = (busy.address() as AddressInfo).port
})
afterAll(() => { busy.close() })

const monitor = (r: { report: unknown }) => (r.report as { monitor?: { samples: number } } | undefined)?.monitor

describe.runIf(built)('a run without a command starts no monitor (the port another process holds stays untouched)', () => {
  describe.each(ADAPTER_HOSTS)('%s', (_label, fixture, env) => {
    it('--help, --version, an unknown command: no EADDRINUSE warning, no monitor in the report, one report each; a command starts them', () => {
      const h = host(fixture, { monitors: { interval: '1h', prometheus: { port, host: '127.0.0.1' } } })
      const runs = [['--help'], ['--version'], ['nope']].map(args => ({ args, r: h.run(args, env) }))
      for (const { args, r } of runs) {
        expect(r.stderr, args.join(' ')).not.toContain('cannot listen')
        expect(monitor(r), args.join(' ')).toBeUndefined()
        expect(exitHooks(r), args.join(' ')).toBe(1)
      }
      // bad usage: 2 (citty's own runMain: 1)
      expect(runs.map(({ r }) => r.code)).toEqual([0, 0, 'MODE' in env ? 1 : 2])
      expect(runs[2]!.r.history).toHaveLength(3)
      // a command: the monitors start, and the port in use is said
      const ok = h.run(['ok'], env)
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.stderr).toContain(`prometheus: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`)
      expect(monitor(ok)).toEqual({ samples: 0 })
    }, 60_000)
  })
})
