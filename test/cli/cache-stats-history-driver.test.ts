/**
 * `unperf cache stats` on a fresh CI machine reads `report.historyDriver` as `budget` and `report`
 * do: the hit rates of the fleet's runs, not "no recorded run" because this clone's history.jsonl
 * is empty. Real child processes, one cache dir per "machine", the test redis-server.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/** A clone of one project (same name and scope) on a machine of its own (its own cache dir). */
function machine(scope: string): string {
  const dir = tempDir('unperf-stats-fleet-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fleet-stats', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory', scope }, report: { console: false, historyDriver: { driver: 'redis', url: redisUrl } } }))
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', async () => { await perf.cache.set('a', 1); await perf.cache.get('a'); await perf.cache.get('b') })
    await perf.close()`)
  return dir
}

describeRedis('unperf cache stats with report.historyDriver', () => {
  it('counts the runs other machines recorded in the shared history', () => {
    const scope = `stats${Date.now()}`
    for (let i = 0; i < 3; i++) {
      const d = machine(scope)
      const r = spawnSync(process.execPath, ['app.mjs'], { cwd: d, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(d, '.xdg') } })
      expect(r.status, r.stderr).toBe(0)
    }
    const fresh = machine(scope)
    const stats = unperf(fresh, 'cache', 'stats', '--json')
    expect(stats.code, stats.stderr).toBe(0)
    expect(stats.json()).toMatchObject({ runs: 3, lookups: 6, hitRate: 0.5 })
    expect(unperf(fresh, 'cache', 'stats').stdout).toContain('3 runs with cache lookups, 6 lookups, 50.0 % hits')
    // and `unperf report` says where its runs came from ('3 runs recorded in <dir>' read as this machine's)
    expect(unperf(fresh, 'report').stdout).toMatch(/^3 runs recorded \(0 in .+, 3 more in report\.historyDriver\)\n/)
  })
})
