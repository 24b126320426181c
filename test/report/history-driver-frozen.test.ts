/**
 * report.historyDriver on a redis that hangs (a frozen server, a black-holed network): the run's
 * close waits for one bounded read, not for a write that would hang the same way after it.
 * Against a redis-server of this file's own, frozen with SIGSTOP.
 */
import { describe, expect, it } from 'vitest'
import { finalizeReport } from '../../src/runtime/report/finalize.js'
import { readHistory } from '../../src/runtime/report/history.js'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { command, context, reportConfig, runState } from './_state.js'

const redis = ownRedisServer()

describe.skipIf(!hasRedisServer)('report.historyDriver on a frozen redis', () => {
  it('the read times out once (2 s) and the run is not written to it: close does not wait a second bound', async () => {
    const config = reportConfig(tempDir(), { report: { historyDriver: { driver: 'redis', url: redis.url } }, cache: { scope: `frozen${Date.now()}` } })
    const ctx = context(config)
    redis.process!.kill('SIGSTOP')
    let elapsed: number
    let report
    try {
      const t0 = performance.now()
      report = await finalizeReport(runState(config, [command('build', 10)]), ctx)
      elapsed = performance.now() - t0
    } finally {
      redis.process!.kill('SIGCONT')
    }
    // the run itself is kept: report returned, its line in the local history
    expect(report.commands.map(c => c.name)).toEqual(['build'])
    expect(readHistory(config)).toHaveLength(1)
    expect(ctx.warnings.join('\n')).toMatch(/historyDriver could not be read \(timed out after 2000ms\); using the local history; this run is not added to it/)
    expect(ctx.warnings.join('\n')).not.toMatch(/could not be written/)
    // a read bound (2 s) and no write bound after it (before: 2 s + 2 s)
    expect(elapsed).toBeGreaterThanOrEqual(1900)
    expect(elapsed).toBeLessThan(3900)
  }, 30_000)
})
