/**
 * issue 10, part 4: the playground's uneven suite (three heavy files, nine light ones) run three times
 * with the reporter; on the recorded history unperf's shards are better balanced than vitest's
 * count-based `--shard`.
 */
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { discoverTestFiles } from '../../src/vitest/discover.js'
import { readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { countShards, fileDurations, planShards } from '../../src/vitest/shard.js'
import { bundle, REPO, runVitest, tempProject } from './_project.js'

const PLAYGROUND = join(REPO, 'playground')
let entries: TestRunEntry[]

beforeAll(async () => {
  const dir = tempProject()
  const history = join(dir, 'history')
  const reporter = await bundle(join(dir, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  // the playground's own config resolves 'unperf/vitest' from dist/; this one uses the source
  const config = join(dir, 'vitest.config.mjs')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(config, `export default { test: { root: ${JSON.stringify(PLAYGROUND)}, include: ['tests/**/*.test.mjs'],
  reporters: ['default', [${JSON.stringify(reporter)}, { dir: ${JSON.stringify(history)}, history: 20 }]] } }\n`)
  // three runs, files one at a time: each file's duration is its own work plus its setup, and the
  // median of three keeps one run slowed by the machine's other load (this suite's other files
  // run meanwhile) from making a light file look heavy
  for (let i = 0; i < 3; i++) {
    const r = runVitest(dir, config, {}, ['--maxWorkers=1'])
    expect(r.status, r.stdout + r.stderr).toBe(0)
  }
  entries = readTestHistory(history).entries
}, 300_000)

it('shards the playground suite better than count-based sharding (max/mean closer to 1)', async () => {
  expect(entries).toHaveLength(3)
  const files = await discoverTestFiles(PLAYGROUND, entries)
  expect(files).toHaveLength(12)
  const durations = fileDurations(entries)
  expect(durations.medians.size).toBe(12)
  const heavy = Math.min(...['bundle', 'parse', 'render'].map(n => durations.medians.get(`tests/${n}.test.mjs`)!))
  const light = Math.max(...['args', 'env', 'log'].map(n => durations.medians.get(`tests/${n}.test.mjs`)!))
  expect(heavy).toBeGreaterThan(light)

  const unperf = planShards(files, durations, 3)
  const byCount = countShards(files, durations, 3)
  // vitest's hash order puts render and bundle in shard 1: count-based is lopsided
  expect(byCount.shards[0]!.files).toEqual(expect.arrayContaining(['tests/bundle.test.mjs', 'tests/render.test.mjs']))
  expect(unperf.balance).toBeLessThan(byCount.balance)
  // one heavy file per shard
  for (const shard of unperf.shards) {
    expect(shard.files.filter(f => /(bundle|parse|render)\.test/.test(f))).toHaveLength(1)
  }
  expect(unperf.shards.flatMap(s => s.files).sort()).toEqual(files)
})
