/**
 * `unperf budget` on one CI machine, with report.historyDriver shared by the fleet: the gate judges
 * what that machine's run judged, not the runs other machines recorded after it.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describeRedis('unperf budget with a shared historyDriver', () => {
  it("a machine's gate is not failed by a slower run another machine recorded after its own", () => {
    const scope = `fleet${Date.now()}`
    // one checkout of the project per machine: own dir, own cache home, the redis history shared
    const machine = () => {
      const d = tempDir('unperf-fleet-')
      mkdirSync(join(d, 'node_modules'))
      writeFileSync(join(d, 'package.json'), JSON.stringify({ name: 'fleet-cli', version: '1.0.0', type: 'module' }))
      writeFileSync(join(d, 'perf.config.json'), JSON.stringify({
        cache: { driver: 'memory', scope },
        budgets: { mode: 'error', commands: { build: { p95: 600 } }, regressions: false },
        report: { console: false, historyDriver: { driver: 'redis', url: redisUrl } },
      }))
      writeFileSync(join(d, 'app.mjs'), `
        import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.run('build', () => new Promise(r => setTimeout(r, Number(process.argv[2]))))
        await perf.close()`)
      return d
    }
    const build = (d: string, ms: number) => spawnSync(process.execPath, ['app.mjs', String(ms)], { cwd: d, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(d, '.xdg') } })
    const a = machine()
    const b = machine()
    const fast = build(a, 10)
    expect(fast.status, fast.stderr).toBe(0) // its p95 (over its own run) is within 600 ms
    const slow = build(b, 1500)
    expect(slow.status, 'the slow run breaches p95 in error mode').toBe(1)

    const gateA = unperf(a, 'budget', '--json')
    expect(gateA.stdout).not.toBe('')
    const p95 = gateA.json().budgets.find((r: { budget: string }) => r.budget === 'budgets.commands.build.p95')
    expect(p95.actual, 'machine a judges its own run: the slow one ended after it').toBeLessThan(600)
    expect(p95.status).toBe('pass')
    expect(gateA.code, gateA.stderr).toBe(0)

    // machine b's gate still sees a's run and its own slow one: it fails, as b's run did
    const gateB = unperf(b, 'budget', '--json')
    expect(gateB.code, gateB.stderr).toBe(1)
    expect(gateB.json().budgets.find((r: { budget: string }) => r.budget === 'budgets.commands.build.p95')).toMatchObject({ status: 'fail' })
  }, 60_000)
})
