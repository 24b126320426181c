/**
 * `unperf cache stats` when no recorded run looked anything up in the cache: there is no hit rate
 * (`--json` gives `hitRate: null`, as budgets.cacheHitRate skips such a run), not a 0 % that reads
 * as every lookup missing, and the text says so; `unperf budget`'s row of a skipped budget says why.
 * Real child processes in a temp project.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

it('no lookups recorded: hitRate null in --json, "no hit rate" in the text', () => {
  const dir = tempDir('unperf-stats-none-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'stats-none', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false }, budgets: { cacheHitRate: 0.5 } }))
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('lint', async () => {})
    await perf.close()`)
  const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(run.status, run.stderr).toBe(0)
  const json = unperf(dir, 'cache', 'stats', '--json')
  expect(json.code, json.stderr).toBe(0)
  expect(json.json()).toEqual({ runs: 0, lookups: 0, hitRate: null, recent: [] })
  const text = unperf(dir, 'cache', 'stats')
  expect(text.code, text.stderr).toBe(0)
  expect(text.stdout).toContain('no recorded run with cache lookups yet: no hit rate')
  // and the gate's row says why its hit-rate budget was skipped (it said '– skip' alone)
  const gate = unperf(dir, 'budget')
  expect(gate.code, gate.stderr).toBe(0)
  expect(gate.stdout).toMatch(/budgets\.cacheHitRate +50\.0 % +– skip: no cache lookups\n/)
})
