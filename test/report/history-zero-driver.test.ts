/**
 * `report.history: 0` (keep no runs) with a shared `report.historyDriver`: the run neither reads
 * nor writes the shared store. It wrote its run and then trimmed the store to 0 runs, deleting the
 * runs every other machine sharing it had recorded (and read every stored run, to keep none).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import { readDriverHistory } from '../../src/runtime/report/history-driver.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { reportConfig } from './_state.js'

async function runWith(scope: string, history: number): Promise<void> {
  const dir = tempDir('unperf-history-zero-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'history-zero', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({
    cache: { driver: 'memory', scope },
    report: { console: false, dir: './.perf', history, historyDriver: { driver: 'redis', url: redisUrl } },
  }))
  const perf = await createPerf({ rootDir: dir, cwd: dir })
  await perf.run('build', async () => {})
  await perf.close()
}

describeRedis('report.history: 0 with a shared historyDriver', () => {
  it("leaves the other machines' shared runs alone, and reads none of them", async () => {
    const scope = `histzero${Date.now()}`
    const shared = reportConfig(tempDir(), { name: 'history-zero', cache: { scope }, report: { history: 10, historyDriver: { driver: 'redis', url: redisUrl! } } })
    await runWith(scope, 10)
    await runWith(scope, 10)
    expect(await readDriverHistory(shared)).toHaveLength(2)
    await runWith(scope, 0)
    expect(await readDriverHistory(shared)).toHaveLength(2)
    const zero = reportConfig(tempDir(), { name: 'history-zero', cache: { scope }, report: { history: 0, historyDriver: { driver: 'redis', url: redisUrl! } } })
    expect(await readDriverHistory(zero)).toEqual([])
  }, 30_000)
})
