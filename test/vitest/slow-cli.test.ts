/**
 * `unperf tests slow` as people read it: a history of 10 runs written the way the reporter writes
 * it (appendTestRun, real files), read by the real CLI. The "got slower" lines are a table like
 * the lists above them, and a test that grew from a 0 ms median says ∞, not "Infinity".
 */
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { appendTestRun } from '../../src/vitest/history.js'
import { bundleCommand, runNode, tempProject } from './_project.js'
import { file, run } from './_entries.js'

let project: string
let historyDir: string

beforeAll(async () => {
  project = tempProject()
  historyDir = join(project, 'history')
  const before = [100, 104, 98, 101, 99, 102, 100]
  const after = [150, 148, 152]
  for (const [i, ms] of [...before, ...after].entries()) {
    const grew = i >= before.length
    appendTestRun(historyDir, run([
      file('test/cache.test.ts', [['evicts least recently used', ms, 'p', 0], ['from nothing', grew ? 12 : 0, 'p', 0]]),
      file('test/a-much-longer-name.test.ts', [['parses', grew ? 1500 : 1000 + (i % 3), 'p', 0]]),
    ]), { cap: 100 })
  }
}, 60_000)

it('prints what got slower as aligned columns: baseline → current, ratio, test', async () => {
  const cli = await bundleCommand(project, 'tests')
  const r = runNode(project, cli, ['slow', '--dir', historyDir])
  expect(r.status, r.stderr).toBe(0)
  const lines = r.stdout.split('\n')
  const slower = lines.slice(lines.indexOf('got slower (median of the last 3 runs vs the runs before):') + 1).filter(Boolean)
  expect(slower).toEqual([
    '       0 ms →   12.0 ms       ∞×  test/cache.test.ts > from nothing',
    '     100 ms →    162 ms    1.62×  test/cache.test.ts',
    '     1.00 s →    1.50 s    1.50×  test/a-much-longer-name.test.ts',
    '     1.00 s →    1.50 s    1.50×  test/a-much-longer-name.test.ts > parses',
    '     100 ms →    150 ms    1.50×  test/cache.test.ts > evicts least recently used',
  ])
}, 60_000)

it('a CI split into 4 shards records 4 runs a pipeline, each timing a file once: "got slower" counts a file\'s runs, not the lines', async () => {
  const dir = join(project, 'history-shards')
  for (let pipeline = 0; pipeline < 2; pipeline++) {
    for (let shard = 1; shard <= 4; shard++) {
      appendTestRun(dir, run([file(`test/s${shard}.test.ts`, [['works', 100 + pipeline * 50, 'p', 0]])], { shard: `${shard}/4` }), { cap: 100 })
    }
  }
  const cli = await bundleCommand(project, 'tests')
  const r = runNode(project, cli, ['slow', '--dir', dir])
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toContain('got slower: needs a file or test timed in 8 runs to judge (the last 3 against at least 5 before); the most so far: 2')
  expect(r.stdout).not.toContain('none got slower')
  expect(JSON.parse(runNode(project, cli, ['slow', '--dir', dir, '--json']).stdout)).toMatchObject({ runs: 8, mostRuns: 2, slower: [] })
}, 60_000)
