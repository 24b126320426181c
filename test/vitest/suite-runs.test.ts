/**
 * `unperf tests slow|flaky` count runs of the suite: a CI split into shards records one line per
 * shard job, and the headers said "the last 4 runs" for two pipelines of two shards. Real vitest 4
 * shard runs, the real CLI.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

const CONFIG = `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.js'],
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`
const FILES = Object.fromEntries(['a', 'b', 'c', 'd'].map(n => [`test/${n}.test.js`, `import { it } from 'vitest'\nit('${n}', () => {})\n`]))

let project: string
let cli: string
let shardCli: string
const history = () => join(project, 'history')

beforeAll(async () => {
  project = tempProject({ 'vitest.config.mjs': CONFIG, ...FILES })
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  cli = await bundleCommand(project, 'tests')
  shardCli = await bundleCommand(project, 'shard')
  // two pipelines of two shard jobs each (two commits), then one run of the whole suite
  for (const sha of ['a'.repeat(40), 'b'.repeat(40)]) {
    for (const shard of ['1/2', '2/2']) {
      const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: history(), GITHUB_SHA: sha }, [`--shard=${shard}`])
      expect(r.status, r.stderr).toBe(0)
    }
  }
}, 300_000)

describe('runs of the suite, not lines of tests.jsonl', () => {
  it('tests slow: two pipelines of two shard jobs are 2 runs (4 recorded)', () => {
    const r = runNode(project, cli, ['slow', '--dir', history()])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('median over the last 2 runs (4 recorded: one per shard job):')
    expect(JSON.parse(runNode(project, cli, ['slow', '--dir', history(), '--json']).stdout)).toMatchObject({ runs: 4, suiteRuns: 2 })
  })

  it('tests flaky says the same', () => {
    const r = runNode(project, cli, ['flaky', '--dir', history()])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('no flaky tests in the last 2 runs (4 recorded: one per shard job)\n')
    expect(JSON.parse(runNode(project, cli, ['flaky', '--dir', history(), '--json']).stdout)).toMatchObject({ runs: 4, suiteRuns: 2 })
  })

  it('unperf shard says the same', () => {
    const r = runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', history()])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('(2 runs of history, 4 recorded: one per shard job)')
    expect(JSON.parse(runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', history(), '--json']).stdout).history).toMatchObject({ runs: 4, suiteRuns: 2 })
  })

  it('a run of the whole suite is one run, and without shards the header is as it was', () => {
    const full = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: history(), GITHUB_SHA: 'b'.repeat(40) })
    expect(full.status, full.stderr).toBe(0)
    expect(runNode(project, cli, ['slow', '--dir', history()]).stdout.split('\n')[0]).toBe('median over the last 3 runs (5 recorded: one per shard job):')
    expect(runNode(project, cli, ['slow', '--dir', history(), '--runs', '1']).stdout.split('\n')[0]).toBe('median over the last run:')
  }, 120_000)
})
