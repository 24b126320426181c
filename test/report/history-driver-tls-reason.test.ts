/**
 * A `rediss://` url on a port that speaks plain Redis (a fleet's REDIS_URL with the wrong scheme):
 * the cache tier's warning says the TLS handshake did not finish; report.historyDriver, which then
 * skips the connection found down, and the other processes of the machine told by the marker, said
 * only `redis cache tier timed out after 1000ms`: the connection was marked down with the bare
 * timeout, not with why. Against the run-wide redis-server.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { withDriverHistory } from '../../src/runtime/report/history-driver.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from '../cache/_manager.js'
import { reportConfig } from './_state.js'

describeRedis('a rediss:// url on a plain port', () => {
  it('the history driver and the machine\'s marker say the TLS handshake did not finish, as the tier\'s warning', async () => {
    const url = redisUrl!.replace(/^redis:\/\//, 'rediss://')
    const { cache, m, warnings, dir } = manager({ driver: ['memory', { driver: 'redis', url }], timeout: 250 })
    try {
      await cache.get('k')
      const why = /timed out after 1000ms: the TLS handshake with 127\.0\.0\.1:\d+ did not finish \(does that port speak TLS\?\)/
      expect(warnings.join('\n')).toMatch(why)
      const config = reportConfig(tempDir(), { report: { historyDriver: { driver: 'redis', url } }, cache: { scope: 'tls-reason', dir } })
      const told: string[] = []
      await withDriverHistory(config, [], message => { told.push(message) })
      expect(told).toHaveLength(1)
      expect(told[0]).toMatch(/redis found down earlier in this run/)
      expect(told[0]).toMatch(why)
      const marker = readdirSync(dir).find(n => n.startsWith('.redis-down-'))
      expect(marker).toBeDefined()
      expect(readFileSync(join(dir, marker!), 'utf8')).toMatch(/TLS handshake/)
    } finally {
      await m.close()
    }
  }, 30_000)
})
