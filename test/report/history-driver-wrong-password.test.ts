/**
 * report.historyDriver with a wrong password in a url that names a database (`redis://:pw@host/2`,
 * a fleet's REDIS_URL): ioredis sends AUTH, SELECT and the ready check together, and the SELECT is
 * refused with NOAUTH behind the refused AUTH. That NOAUTH was taken for a refused database: the
 * connection closed for good and every later call (the run's history read, once the cache tier had
 * opened the connection) said `NOAUTH Authentication required.`, as if the url had no password.
 * Against a redis-server of this file's own started with --requirepass.
 */
import { describe, expect, it } from 'vitest'
import { withDriverHistory } from '../../src/runtime/report/history-driver.js'
import { acquireRedis } from '../../src/drivers/redis-connection.js'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { reportConfig } from './_state.js'

const redis = ownRedisServer(['--requirepass', 'right'])

describe.skipIf(!hasRedisServer)('report.historyDriver with a wrong password and a database', () => {
  it('says WRONGPASS on every read, also on a connection another user opened first', async () => {
    const url = `${redis.url.replace('//', '//:wrong@')}/2`
    const config = reportConfig(tempDir(), { report: { historyDriver: { driver: 'redis', url } }, cache: { scope: 'wrong-password' } })
    // the cache tier's use of the same connection, opened first (as a run's cache is)
    const held = acquireRedis(config.report.historyDriver as never, 1000)
    await held.client
    try {
      const warnings: string[] = []
      for (let i = 0; i < 3; i++) {
        await new Promise(r => setTimeout(r, 100))
        expect(await withDriverHistory(config, [], m => { warnings.push(m) })).toEqual([])
      }
      expect(warnings).toHaveLength(3)
      // the first read's own answer; the next ones skip the connection it refused, saying why (not NOAUTH)
      expect(warnings[0]).toMatch(/^report\.historyDriver could not be read \(WRONGPASS /)
      for (const w of warnings.slice(1)) expect(w).toMatch(/^report\.historyDriver could not be read \(redis found down earlier in this run \(WRONGPASS /)
      expect(warnings.join('\n')).not.toMatch(/wrong@|:wrong\b/)
    } finally {
      await held.release()
    }
  }, 30_000)
})
