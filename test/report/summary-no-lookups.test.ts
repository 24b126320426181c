/**
 * The exit summary of a run whose namespaces were written but not read: such a row said
 * `0 % hits  0/0  1 sets`, a hit rate of nothing (budgets.cacheHitRate does not judge it either) and
 * `1 sets`. It says `no lookups` and `1 set`; a namespace with lookups keeps `50 % hits  1/2`.
 * With the cache off for the run (--no-cache, UNPERF_CACHE=0) it said `0 % hits` for lookups that
 * missed by request: it says the cache was off.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('exit summary, cache section', () => {
  it('a namespace without lookups reads "no lookups", counts are in words', () => {
    const dir = tempDir('unperf-summary-no-lookups-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'summary-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory', namespaces: { templates: {} } }, report: { console: 'summary', dir: join(dir, 'reports') } }))
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => {
        await perf.cache.set('a', 1)
        await perf.cache.get('a')
        await perf.cache.get('b')
        await perf.cache.namespace('templates').set('t', 'x')
      })
      await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    const cache = r.stderr.split('\ncache\n')[1]!.split('\n').filter(l => l.startsWith('  '))
    expect(cache.find(l => l.trim().startsWith('default'))).toMatch(/default +50 % hits +1\/2 +1 set$/)
    expect(cache.find(l => l.trim().startsWith('templates'))).toMatch(/templates +no lookups +1 set$/)
    expect(r.stderr).not.toMatch(/0\/0|1 sets/)
    // the same run with the cache off: the section says so instead of `0 % hits  0/2`
    const off = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', UNPERF_CACHE: '0', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(off.status, off.stderr).toBe(0)
    expect(off.stderr).toMatch(/\ncache\n {2}off for this run \(--no-cache, UNPERF_CACHE=0 or cache\.enabled: false\)\n/)
    expect(off.stderr).not.toMatch(/% hits/)
    // off, and nothing looked up (a config with the cache off whose command uses none): no cache section at all
    writeFileSync(join(dir, 'idle.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => {})
      await perf.close()`)
    const idle = spawnSync(process.execPath, ['idle.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', UNPERF_CACHE: '0', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(idle.status, idle.stderr).toBe(0)
    expect(idle.stderr).toMatch(/\ncommands\n/)
    expect(idle.stderr).not.toMatch(/\ncache\n/)
  })

  it('stale values served count as served from the cache: the row says how many of them were stale', () => {
    const dir = tempDir('unperf-summary-stale-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'summary-stale', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: 'summary', dir: join(dir, 'reports') }, budgets: { cacheHitRate: 0.5 } }))
    // a miss, then two calls each past the ttl of the value before served the stale value (swr) while it revalidates
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => {
        await perf.cache.wrap('k', async () => 1, { ttl: 1, swr: '1h' })
        await new Promise(r => setTimeout(r, 20))
        await perf.cache.wrap('k', async () => 2, { ttl: 1, swr: '1h' })
        await new Promise(r => setTimeout(r, 20))
        await perf.cache.wrap('k', async () => 3, { ttl: 1, swr: '1h' })
      })
      await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    const cache = r.stderr.split('\ncache\n')[1]!.split('\n').filter(l => l.startsWith('  '))
    // before: `0 % hits  0/1`, and budgets.cacheHitRate failed a run the cache answered twice of three
    expect(cache.find(l => l.trim().startsWith('total'))).toMatch(/total +67 % hits +2\/3 \(2 stale\) +\d+ sets?$/)
    expect(r.stderr).toMatch(/✔ budgets\.cacheHitRate/)
  })
})
