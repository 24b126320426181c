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

describe.skipIf(!hasRedisServer)('unperf report with report.historyDriver on a frozen redis', () => {
  it('the process ends once the command printed its result, not 2 s later (ioredis disconnecting twice, waiting for a close a frozen peer never sends)', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { spawnSync } = await import('node:child_process')
    const { bin } = await import('../helpers/unperf-cli.js')
    const dir = tempDir('unperf-frozen-gate-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'frozen-gate', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory', scope: `gate${Date.now()}` }, report: { console: false, historyDriver: { driver: 'redis', url: redis.url } } }))
    // when the result (stdout) is printed and when the process exits, by its own clock
    writeFileSync(join(dir, 'stamp.cjs'), `
      const write = process.stdout.write.bind(process.stdout)
      let printed
      process.stdout.write = (chunk, ...rest) => { printed ??= performance.now(); return write(chunk, ...rest) }
      process.on('exit', () => process.stderr.write('\\nLINGERED ' + Math.round(performance.now() - (printed ?? 0)) + '\\n'))`)
    const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), NODE_OPTIONS: `--require ${join(dir, 'stamp.cjs')}` }
    redis.process!.kill('SIGSTOP')
    let r
    try {
      r = spawnSync(process.execPath, [bin, 'report'], { cwd: dir, encoding: 'utf8', env, timeout: 30_000 })
    } finally {
      redis.process!.kill('SIGCONT')
    }
    expect(r.stderr).toMatch(/historyDriver could not be read \(timed out after 2000ms\)/)
    const lingered = Number(/LINGERED (\d+)/.exec(r.stderr)?.[1])
    // before: 2000 (two ref'd 1 s disconnect timers); a bound, not a speed figure
    expect(lingered).toBeLessThan(700)
  }, 60_000)
})
