/**
 * report.historyDriver on a busy CI machine: importing ioredis there took longer than the driver's
 * bound (2 s), and the shared history was neither read nor written though redis was fine. The
 * bound is the remote's: the import is waited for first. ioredis is slowed by a loader hook.
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
const slowIoredis = join(import.meta.dirname, 'fixtures/slow-ioredis.mjs')

describeRedis('report.historyDriver when ioredis is slow to import', () => {
  it('the run is read against and added to the shared history: the 2 s bound does not count the import', async () => {
    const scope = `slowimport${Date.now()}`
    const dir = tempDir('unperf-slow-import-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'slow-import', version: '1.0.0', type: 'module' }))
    // a memory cache: ioredis is imported by the history driver alone, at close
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory', scope }, report: { historyDriver: { driver: 'redis', url: redisUrl } } }))
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('lint', () => {})
      await perf.close()
      console.log('closed')`)
    const r = spawnSync(process.execPath, ['--import', slowIoredis, 'app.mjs'], {
      cwd: dir, encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), NO_COLOR: '1', SLOW_IOREDIS_MS: '2500' },
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('closed')
    expect(r.stderr).not.toMatch(/historyDriver/)
    const remote = await readDriverHistory(reportConfig(dir, { name: 'slow-import', cache: { scope }, report: { historyDriver: { driver: 'redis', url: redisUrl! } } }))
    expect(remote.map(e => e.commands.map(c => c.name))).toEqual([['lint']])
  }, 60_000)
})
