/**
 * A Redis that refused the cache tier's connection in this run (killed, a container restarting) is
 * not asked again by report.historyDriver at close while the connection has not come back: the call
 * waited in ioredis' offline queue for its next reconnect attempt, the driver's whole 1 s timeout, at
 * every exit of a CI fleet's CLIs while Redis was down. The warning says it was found down earlier.
 * A real child process (test/reliability/fixtures/redis-first-call.mjs, on dist); port 1 refuses.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const fixture = join(import.meta.dirname, '../reliability/fixtures/redis-first-call.mjs')

it('a connection refused earlier in the run is not waited for again at close', () => {
  const r = spawnSync(process.execPath, [fixture, dist, tempDir(), 'redis://127.0.0.1:1', 'history'], { encoding: 'utf8', timeout: 30_000 })
  expect(r.status, r.stderr).toBe(0)
  expect(r.stderr).toMatch(/the redis tier failed \(connect ECONNREFUSED 127\.0\.0\.1:1\)/)
  expect(r.stderr).not.toContain('maxRetriesPerRequest')
  // before: 'report.historyDriver could not be read (connect ECONNREFUSED 127.0.0.1:1)', after its 1 s timeout
  expect(r.stderr).toMatch(/report\.historyDriver could not be read \(redis found down earlier in this run \(connect ECONNREFUSED 127\.0\.0\.1:1\)/)
})
