/**
 * `unperf monitor --serve` on a port something else listens on: an error naming host:port, exit 1,
 * with `--json` the `{ error: { name, code, message } }` document every command gives. It exited 1
 * with a warning alone ("...; /metrics is not served") that read as if it carried on.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

let busy: Server
let port: number
beforeAll(async () => {
  busy = createServer()
  busy.listen(0, '127.0.0.1')
  await once(busy, 'listening')
  port = (busy.address() as AddressInfo).port
})
afterAll(() => { busy.close() })

describe('unperf monitor --serve on a port in use', () => {
  it('--json: the error document on stdout, exit 1', () => {
    const r = unperf(tempDir('unperf-monitor-port-'), 'monitor', '--serve', '--port', String(port), '--json')
    expect(r.code, r.stderr).toBe(1)
    const { error } = r.json() as { error: { name: string; code: string; message: string } }
    expect(error).toMatchObject({ name: 'ListenError', code: 'E_PORT_IN_USE' })
    expect(error.message).toContain(`127.0.0.1:${port} is in use`)
    expect(error.message).toContain('--port')
    // one message, the error's: not also the runtime's "not served" warning
    expect(r.stderr).not.toContain('is not served')
  })

  it('text: the message on stderr, nothing sampled, exit 1', () => {
    const r = unperf(tempDir('unperf-monitor-port-'), 'monitor', '--serve', '--port', String(port), '--count', '1')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is in use \\(EADDRINUSE\\): .*--port`))
  })
})
