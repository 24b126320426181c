/**
 * `unperf tests slow|flaky` count runs of the suite: a CI split into shards records one line per
 * shard job, and the headers said "the last 4 runs" for two pipelines of two shards. Real vitest 4
 * shard runs, the real CLI.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
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
    // the plan `unperf shard` left above (1/2, two files) is not this run's: it ran every file
    expect(existsSync(join(history(), 'shard-plan.json'))).toBe(true)
    expect(readTestHistory(history()).entries.at(-1)!.shard).toBeUndefined()
    expect(runNode(project, cli, ['slow', '--dir', history()]).stdout.split('\n')[0]).toBe('median over the last 3 runs (5 recorded: one per shard job):')
    expect(runNode(project, cli, ['slow', '--dir', history(), '--runs', '1']).stdout.split('\n')[0]).toBe('median over the last run:')
  }, 120_000)
})

describe('shard jobs of `vitest run $(unperf shard ...)`, told by the plan unperf shard leaves', () => {
  it('are recorded as shard i/n (one with -t on top stays partial) and count as one run of the suite', () => {
    const dir = join(project, 'history-unperf-shards')
    const sha = { GITHUB_SHA: 'c'.repeat(40) }
    // the docs' workflow: each job plans its files, vitest gets them as arguments; nothing else passes
    const plans = [1, 2].map(index => runNode(project, shardCli, ['--total', '2', '--index', String(index), '--dir', dir]))
    for (const p of plans) expect(p.status, p.stderr).toBe(0)
    expect(statSync(join(dir, 'shard-plan.json')).mode & 0o777).toBe(0o600)
    const one = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir, ...sha }, plans[0]!.stdout.trim().split(' '))
    expect(one.status, one.stderr).toBe(0)
    const two = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir, ...sha }, [...plans[1]!.stdout.trim().split(' '), '-t', '^[a-d]$'])
    expect(two.status, two.stderr).toBe(0)
    const entries = readTestHistory(dir).entries
    expect(entries.map(e => [e.shard, e.shardBy, e.partial, e.files.map(f => f.path).join(' ')])).toEqual([
      ['1/2', 'unperf', undefined, plans[0]!.stdout.trim()],
      ['2/2', 'unperf', true, plans[1]!.stdout.trim()],
    ])
    expect(JSON.parse(runNode(project, cli, ['slow', '--dir', dir, '--json']).stdout)).toMatchObject({ runs: 2, suiteRuns: 1 })
    expect(runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', dir]).stderr).toContain('(1 run of history, 2 recorded: one per shard job')
  }, 240_000)

  it('an empty shard, a single shard or no test file found leaves no plan (vitest would run every file)', () => {
    const dir = join(project, 'history-unperf-none')
    expect(runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', dir]).status).toBe(0)
    expect(existsSync(join(dir, 'shard-plan.json'))).toBe(true)
    expect(runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', dir, 'nothing/**/*.test.js']).status).toBe(1)
    expect(existsSync(join(dir, 'shard-plan.json'))).toBe(false)
    expect(runNode(project, shardCli, ['--total', '9', '--index', '9', '--dir', dir]).stdout).toContain('__unperf_empty_shard__')
    expect(runNode(project, shardCli, ['--total', '1', '--index', '1', '--dir', dir]).status).toBe(0)
    expect(existsSync(join(dir, 'shard-plan.json'))).toBe(false)
  }, 120_000)
})
