/**
 * perf.workers.run() tasks are in the report's `pools` (report.json and close()'s report) as a pool
 * named 'workers', with a pool's counters: they were missing, so a command's CPU work in threads
 * (its failures and retries) was invisible in the report while the same work in a pool showed.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers in the report', () => {
  it("counts the worker tasks in report.pools as 'workers': completed, failed, retries", async () => {
    const cwd = tempDir()
    const perf = await createPerf({
      cwd, noExitHandlers: true,
      overrides: { cache: { enabled: false }, report: { console: false, dir: './.perf' }, concurrency: { workers: { max: 1, retries: 1 } } },
    })
    await perf.run('crunch', async () => {
      expect(await perf.workers.run(fixture, 'spin', [1])).toBe(1)
      expect(await perf.workers.run(fixture, 'failOnce', [join(cwd, 'attempted')])).toBe('second attempt')
      await expect(perf.workers.run(fixture, 'failTyped')).rejects.toThrow('bad type')
    })
    const report = await perf.close()
    const expected = { name: 'workers', concurrency: 1, adaptive: false, active: 0, queued: 0, completed: 2, failed: 1, cancelled: 0, retries: 1, timeouts: 0 }
    expect(report.pools.find(p => p.name === 'workers')).toEqual(expected)
    const written = JSON.parse(readFileSync(join(cwd, '.perf', 'report.json'), 'utf8')) as { pools: unknown[] }
    expect(written.pools).toContainEqual(expected)
  })
})
