/**
 * report.historyDriver past its cap, in real CLI processes: each run trims the shared history to
 * `report.history` runs, and its `await perf.close()` settles (the redis socket is unref'd, so an
 * unbounded await on it let the process end mid-close).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { readDriverHistory } from '../../src/runtime/report/history-driver.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { reportConfig } from './_state.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describeRedis('report.historyDriver past report.history, in real processes', () => {
  it("every run's close settles and prints its summary; the shared history keeps the newest `history` runs", async () => {
    const scope = `capproc${Date.now()}`
    const history = 2
    const durations: number[] = []
    for (let i = 0; i < 5; i++) {
      // a fresh CI clone each time: own project dir and cache dir, the redis history shared
      const dir = tempDir(`unperf-cap-proc-${i}-`)
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cap-proc', version: '1.0.0', type: 'module' }))
      writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { scope }, report: { history, historyDriver: { driver: 'redis', url: redisUrl } } }))
      writeFileSync(join(dir, 'app.mjs'), `
        import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.run('build', () => new Promise(r => setTimeout(r, ${10 + i})))
        const report = await perf.close()
        console.log('closed ' + report.commands[0].duration)`)
      const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), NO_COLOR: '1' }, timeout: 30_000 })
      expect(r.status, `run ${i}: ${r.stderr}`).toBe(0)
      expect(r.stdout, `run ${i}`).toMatch(/^closed \d/)
      expect(r.stderr, `run ${i}: the summary is printed`).toMatch(/commands\n\s+build /)
      expect(r.stderr).not.toMatch(/historyDriver/)
      durations.push(Number(r.stdout.trim().split(' ')[1]))
    }
    const remote = await readDriverHistory(reportConfig(tempDir(), { name: 'cap-proc', cache: { scope }, report: { history, historyDriver: { driver: 'redis', url: redisUrl! } } }))
    expect(remote.map(e => e.commands[0]!.duration)).toEqual(durations.slice(-history))
  }, 60_000)
})
