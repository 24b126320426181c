/**
 * `unperf monitor --json` writes JSON lines (`{ type: 'sample' | 'alert' | 'serving', ... }`); its
 * errors came as an indented multi-line document, which a line-by-line reader (`while read line`,
 * `jq -c`, a JSON-lines parser) could not parse. Now an error is one more line,
 * `{ type: 'error', error: { name, code, message } }`; the message is on stderr too, as with every
 * unperf command, and the exit code is the contract's: 2 bad usage or config, 1 a port in use.
 */
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

/** stdout as JSON lines: each line parsed on its own. */
const jsonLines = (stdout: string) => stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)

describe('unperf monitor --json errors', () => {
  it.each([
    [['--count', '0'], 'UsageError', 'E_USAGE', /--count expects a positive integer, got '0'/],
    [['--interval', 'soon'], 'UsageError', 'E_USAGE', /--interval expects a duration/],
    [['--bogus'], 'UsageError', 'E_UNKNOWN_OPTION', /unknown option '--bogus'/],
  ])('%j: one JSON line { type: "error" } on stdout, the message on stderr, exit 2', (args, name, code, message) => {
    const r = unperf(tempDir('unperf-monitor-json-'), 'monitor', '--json', ...args)
    expect(r.code, r.stderr).toBe(2)
    const lines = jsonLines(r.stdout)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ type: 'error', error: { name, code, message: expect.stringMatching(message) } })
    expect(r.stderr).toMatch(message)
  })

  it('a bad config: one JSON line with the issues, exit 2', () => {
    const cwd = tempDir('unperf-monitor-json-')
    writeFileSync(join(cwd, 'perf.config.json'), JSON.stringify({ monitors: { interval: 'often' } }))
    const r = unperf(cwd, 'monitor', '--json', '--count', '1')
    expect(r.code, r.stderr).toBe(2)
    const lines = jsonLines(r.stdout)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ type: 'error', error: { name: 'ConfigError', issues: [expect.objectContaining({ path: 'monitors.interval' })] } })
  })

  it('a port in use: one JSON line, exit 1', async () => {
    const busy = createServer().listen(0, '127.0.0.1')
    await once(busy, 'listening')
    try {
      const port = (busy.address() as AddressInfo).port
      const r = unperf(tempDir('unperf-monitor-json-'), 'monitor', '--serve', '--port', String(port), '--json')
      expect(r.code, r.stderr).toBe(1)
      expect(jsonLines(r.stdout)).toMatchObject([{ type: 'error', error: { name: 'ListenError', code: 'E_PORT_IN_USE' } }])
    } finally {
      busy.close()
    }
  })

  it('other commands keep their one indented document', () => {
    const r = unperf(tempDir('unperf-monitor-json-'), 'report', '--json', '--last', 'x')
    expect(r.code).toBe(2)
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { name: 'UsageError' } })
  })
})
