/**
 * `unperf budget` when report.historyDriver cannot be read at the gate (Redis down since the run):
 * re-judged on this machine's runs alone, a p95 the run failed against the fleet's runs passed the
 * gate. The run's own p95 and regression verdicts stand then. Real child processes, a redis-server
 * of this file's own, SIGKILLed before the gate.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const redis = ownRedisServer()

describe.skipIf(!hasRedisServer)('unperf budget with the shared history unreadable', () => {
  it("keeps the run's own p95 verdict, judged with the fleet's runs", async () => {
    const machine = () => {
      const d = tempDir('unperf-gate-down-')
      writeFileSync(join(d, 'package.json'), JSON.stringify({ name: 'gate-down', version: '1.0.0', type: 'module' }))
      writeFileSync(join(d, 'perf.config.json'), JSON.stringify({
        cache: { driver: 'memory', scope: 'gate-down' },
        budgets: { commands: { build: { p95: 500 } }, regressions: false },
        report: { console: false, historyDriver: { driver: 'redis', url: redis.url } },
      }))
      writeFileSync(join(d, 'app.mjs'), `
        import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.run('build', () => new Promise(r => setTimeout(r, Number(process.argv[2]))))
        await perf.close()`)
      return d
    }
    const build = (d: string, ms: number) => {
      const r = spawnSync(process.execPath, ['app.mjs', String(ms)], { cwd: d, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(d, '.xdg') } })
      expect(r.status, r.stderr).toBe(0) // 'warn' mode
    }
    const a = machine()
    const b = machine()
    build(a, 800)
    build(b, 5) // p95 over a's run and its own: 800 ms, over 500
    redis.process!.kill('SIGKILL')
    await new Promise(r => redis.process!.once('exit', r))
    const gate = unperf(b, 'budget', '--json')
    expect(gate.stderr).toMatch(/report\.historyDriver could not be read/)
    expect(gate.code, gate.stderr).toBe(1)
    const p95 = gate.json().budgets.find((r: { budget: string }) => r.budget === 'budgets.commands.build.p95')
    expect(p95).toMatchObject({ status: 'fail' })
    expect(p95.actual).toBeGreaterThan(500)
    expect(p95.message).toContain('(as the run judged it: report.historyDriver cannot be read now)')
  }, 60_000)
})
