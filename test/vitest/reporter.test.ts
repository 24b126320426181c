/**
 * issue 10: the unperf/vitest reporter in real vitest runs (child processes) of a temp project
 * with uneven files, a test that passes on retry and a test whose result flips on one commit;
 * then `unperf shard` and `unperf tests` on the recorded history.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory, testsHistoryPath, type TestRunEntry } from '../../src/vitest/history.js'
import { discoverTestFiles } from '../../src/vitest/discover.js'
import { findFlaky } from '../../src/vitest/flaky.js'
import { findSlow } from '../../src/vitest/slow.js'
import { countShards, fileDurations, planShards } from '../../src/vitest/shard.js'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

// Each unit holds the test's thread 10 ms of wall time, as vitest times it: a CPU loop's time grew
// with the machine's load instead (its 96:36 units of big and medium files came out inverted with
// other processes competing for the 2 cores), and it added load of its own.
const WORK = `export function work(units) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, units * 10)
  return units
}
`
/** Tests that run vitest or unperf's commands as child processes: a vitest run took 50–70 s at load 15. */
const CHILD_RUNS = { timeout: 180_000 }
function cpuFile(units: number, tests: number): string {
  let s = `import { expect, it } from 'vitest'\nimport { work } from '../work.js'\n`
  for (let i = 1; i <= tests; i++) s += `it('step ${i}', () => { expect(work(${units / tests})).toBeGreaterThanOrEqual(0) })\n`
  return s
}

const SHA = 'a'.repeat(40)
let project: string
let historyDir: string
let entries: TestRunEntry[]
let runs: { status: number | null; stdout: string; stderr: string }[]

beforeAll(async () => {
  project = tempProject({
    'work.js': WORK,
    'test/big.test.js': cpuFile(96, 4),
    'test/medium.test.js': cpuFile(36, 3),
    'test/small-1.test.js': cpuFile(3, 1),
    'test/small-2.test.js': cpuFile(3, 1),
    'test/small-3.test.js': cpuFile(3, 1),
    'test/nested/suite.test.js': `import { describe, expect, it } from 'vitest'
describe('outer', () => { describe('inner', () => { it('works', () => { expect(1).toBe(1) }); it.skip('skipped', () => {}) }) })
`,
    // fails on its first attempt of the first run (no marker yet), passes on the retry
    'test/flaky.test.js': `import { existsSync, writeFileSync } from 'node:fs'
import { expect, it } from 'vitest'
it('passes on retry', { retry: 1 }, () => {
  const marker = process.env.FLAKY_MARKER
  if (!existsSync(marker)) { writeFileSync(marker, 'seen'); throw new Error('first attempt fails') }
  expect(existsSync(marker)).toBe(true)
})
it('flips on the same commit', () => { expect(process.env.FLIP).not.toBe('1') })
`,
    'vitest.config.mjs': `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.js'],
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`,
  })
  historyDir = join(project, 'history')
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const marker = join(project, 'flaky.marker')
  const env = { HISTORY_DIR: historyDir, FLAKY_MARKER: marker, GITHUB_SHA: SHA }
  runs = [
    runVitest(project, 'vitest.config.mjs', { ...env, FLIP: '0' }),
    runVitest(project, 'vitest.config.mjs', { ...env, FLIP: '1' }),
    runVitest(project, 'vitest.config.mjs', { ...env, FLIP: '0' }),
  ]
  entries = readTestHistory(historyDir).entries
}, 300_000)

describe('reporter', CHILD_RUNS, () => {
  it('records one line per run with per-file and per-test results', () => {
    expect(runs.map(r => r.status), runs.map(r => r.stdout + r.stderr).join('\n')).toEqual([0, 1, 0])
    expect(runs.map(r => r.stderr).join('')).not.toContain('[unperf]')
    expect(entries).toHaveLength(3)
    expect(entries.map(e => e.result)).toEqual(['passed', 'failed', 'passed'])
    for (const entry of entries) {
      expect(entry.commit).toBe(SHA)
      expect(entry.vitest).toMatch(/^4\./)
      expect(entry.projects?.[0]?.include).toEqual(['test/**/*.test.js'])
      expect(entry.files.map(f => f.path).sort()).toEqual([
        'test/big.test.js', 'test/flaky.test.js', 'test/medium.test.js', 'test/nested/suite.test.js',
        'test/small-1.test.js', 'test/small-2.test.js', 'test/small-3.test.js',
      ])
      for (const file of entry.files) {
        expect(file.duration).toBeGreaterThan(0)
        expect(file.duration).toBeGreaterThanOrEqual(file.setup)
      }
    }
    const nested = entries[0]!.files.find(f => f.path === 'test/nested/suite.test.js')!
    expect(nested.tests.map(t => [t[0], t[2]])).toEqual([['outer > inner > works', 'p'], ['outer > inner > skipped', 's']])
    const flaky = entries[0]!.files.find(f => f.path === 'test/flaky.test.js')!
    expect(flaky.tests.find(t => t[0] === 'passes on retry')).toMatchObject([expect.any(String), expect.any(Number), 'p', 1])
    expect(entries[1]!.files.find(f => f.path === 'test/flaky.test.js')!.state).toBe('failed')
  })

  it('marks runs filtered by test name as partial: their file durations are not used for shards', () => {
    const dir = join(project, 'history-partial')
    const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir, FLAKY_MARKER: join(project, 'flaky.marker'), FLIP: '0' }, ['-t', 'step 1'])
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const [entry] = readTestHistory(dir).entries
    expect(entry!.partial).toBe(true)
    expect(entries.every(e => e.partial === undefined)).toBe(true)
    expect(fileDurations([entry!]).medians.size).toBe(0)
  })

  it('writes JSON Lines: each line the JSON of one run', () => {
    const text = readFileSync(testsHistoryPath(historyDir), 'utf8')
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines.map(line => (JSON.parse(line) as { id: string }).id)).toEqual(entries.map(e => e.id))
  })

  it('lists the test that passed on retry and the one that flips on one commit', () => {
    const flaky = findFlaky(entries)
    const retry = flaky.find(t => t.name === 'passes on retry')
    const flip = flaky.find(t => t.name === 'flips on the same commit')
    expect(retry).toMatchObject({ file: 'test/flaky.test.js', retried: 1, runs: 3 })
    expect(flip).toMatchObject({ file: 'test/flaky.test.js', retried: 0, flips: 2, transitions: 2, flipRate: 1, commit: SHA })
    expect(flaky.map(t => t.name)).toEqual(['flips on the same commit', 'passes on retry'])
  })

  it('finds the slowest files and tests', () => {
    const slow = findSlow(entries, { top: 3 })
    expect(slow.files[0]!.file).toBe('test/big.test.js')
    expect(slow.files.map(f => f.file)).toContain('test/medium.test.js')
    expect(slow.tests[0]!.file).toBe('test/big.test.js')
    expect(slow.slower).toEqual([]) // 3 runs: not enough history to judge
  })

  it('plans shards over the recorded history: every file exactly once, within one file of even', async () => {
    const files = await discoverTestFiles(project, entries)
    expect(files).toHaveLength(7)
    const durations = fileDurations(entries)
    for (const total of [2, 3]) {
      const plan = planShards(files, durations, total)
      expect(plan.shards.flatMap(s => s.files).sort()).toEqual(files)
      expect(plan.unknown).toEqual([])
      // LPT's guarantee: the last file placed on the fullest shard went to the emptiest one then
      const loads = plan.shards.map(s => s.expected)
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(...durations.medians.values()) + 0.01)
      expect(plan.shards.map(s => s.expected).reduce((a, b) => a + b, 0))
        .toBeCloseTo(files.reduce((sum, f) => sum + durations.medians.get(f)!, 0), 1)
    }
    // (better balance than count-based sharding on recorded history: playground.test.ts, bench/vitest-shard.mjs)
    expect(countShards(files, durations, 2).shards.map(s => s.files.length)).toEqual([4, 3])
  })
})

describe('unperf shard / unperf tests (CLI commands)', CHILD_RUNS, () => {
  let shardCli: string
  let testsCli: string
  beforeAll(async () => {
    shardCli = await bundleCommand(project, 'shard')
    testsCli = await bundleCommand(project, 'tests')
  }, CHILD_RUNS.timeout)

  it('prints each shard\'s files for `vitest run $(unperf shard ...)`, the plan on stderr', () => {
    const one = runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', historyDir])
    const two = runNode(project, shardCli, ['--total', '2', '--index', '2', '--dir', historyDir])
    expect(one.status, one.stderr).toBe(0)
    expect(two.status, two.stderr).toBe(0)
    const a = one.stdout.trim().split(' ')
    const b = two.stdout.trim().split(' ')
    expect([...a, ...b].sort()).toEqual([
      'test/big.test.js', 'test/flaky.test.js', 'test/medium.test.js', 'test/nested/suite.test.js',
      'test/small-1.test.js', 'test/small-2.test.js', 'test/small-3.test.js',
    ])
    expect(one.stderr).toMatch(/shard 1\/2: \d+ of 7 files, expected .*3 runs of history/)
    expect(one.stderr).toMatch(/balance max\/mean \d\.\d\d \(vitest --shard by count: \d\.\d\d\)/)
    // deterministic for the same history
    expect(runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', historyDir]).stdout).toBe(one.stdout)
  })

  it('vitest runs exactly the printed files', () => {
    const one = runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', historyDir]).stdout.trim().split(' ')
    const dir = join(project, 'history-shard')
    const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir, FLAKY_MARKER: join(project, 'flaky.marker'), FLIP: '0' }, one)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const recorded = readTestHistory(dir).entries[0]!.files.map(f => f.path).sort()
    expect(recorded).toEqual([...one].sort())
  })

  it('--json gives every shard, its expected ms and the balance', () => {
    const r = runNode(project, shardCli, ['--total', '3', '--index', '2', '--dir', historyDir, '--json'])
    expect(r.status, r.stderr).toBe(0)
    const plan = JSON.parse(r.stdout) as { total: number; index: number; files: string[]; shards: { index: number; files: string[]; expected: number }[]; balance: number; countBalance: number; history: { runs: number } }
    expect(plan).toMatchObject({ total: 3, index: 2, history: { runs: 3 } })
    expect(plan.files).toEqual(plan.shards[1]!.files)
    expect(plan.shards.map(s => s.index)).toEqual([1, 2, 3])
    expect(plan.balance).toBeGreaterThanOrEqual(1)
    expect(plan.balance).toBeLessThanOrEqual(plan.countBalance)
  })

  it('an empty shard runs nothing instead of everything', () => {
    const r = runNode(project, shardCli, ['--total', '9', '--index', '9', '--dir', historyDir])
    expect(r.stdout.trim()).toBe('--passWithNoTests __unperf_empty_shard__')
    expect(r.stderr).toContain('this shard is empty')
    const dir = join(project, 'history-empty')
    const v = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir }, r.stdout.trim().split(' '))
    expect(v.status, v.stdout + v.stderr).toBe(0)
    expect(v.stdout + v.stderr).toMatch(/No test files found/)
    expect(existsSync(join(dir, 'tests.jsonl'))).toBe(false)
  })

  it('no test files at all: nothing on stdout (vitest runs everything rather than nothing), exit 1', () => {
    const r = runNode(project, shardCli, ['--total', '2', '--index', '1', '--dir', historyDir, 'nothing/**/*.test.js'])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('no test files found')
  })

  it('bad usage exits 2', () => {
    expect(runNode(project, shardCli, ['--total', '2', '--index', '3', '--dir', historyDir]).status).toBe(2)
    expect(runNode(project, shardCli, ['--total', '0', '--index', '1', '--dir', historyDir]).status).toBe(2)
    expect(runNode(project, shardCli, ['--total', 'x', '--index', '1', '--dir', historyDir]).status).toBe(2)
  })

  it('`tests flaky` lists the flaky tests with their flip rate', () => {
    const r = runNode(project, testsCli, ['flaky', '--dir', historyDir])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/100%\s+test\/flaky\.test\.js > flips on the same commit/)
    expect(r.stdout).toMatch(/test\/flaky\.test\.js > passes on retry .*passed on retry 1×/)
    const json = JSON.parse(runNode(project, testsCli, ['flaky', '--dir', historyDir, '--json']).stdout) as { flaky: { name: string; flipRate: number }[] }
    expect(json.flaky.map(t => t.name)).toEqual(['flips on the same commit', 'passes on retry'])
    // --runs: only the recent runs (the last one alone holds no flip)
    expect(runNode(project, testsCli, ['flaky', '--dir', historyDir, '--runs', '1']).stdout).toBe('no flaky tests in the last run\n')
    expect(runNode(project, testsCli, ['flaky', '--dir', historyDir, '--runs', '0']).status).toBe(2)
  })

  it('`tests merge` adds the runs of other tests.jsonl files (CI shard jobs), once', () => {
    const target = join(project, 'merged')
    const sources = [join(historyDir, 'tests.jsonl'), join(historyDir, 'tests.jsonl')]
    const r = runNode(project, testsCli, ['merge', '--dir', target, '--json', ...sources])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 3, known: 3, skipped: 0 })
    expect(readTestHistory(target).entries.map(e => e.id)).toEqual(entries.map(e => e.id))
    expect(runNode(project, testsCli, ['merge', '--dir', target]).status).toBe(2)
  })

  it('`tests slow` lists the slowest files and tests', () => {
    const r = runNode(project, testsCli, ['slow', '--dir', historyDir, '--top', '2'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/slowest files:\n\s+\S+ m?s\s+test\/big\.test\.js/)
    const json = JSON.parse(runNode(project, testsCli, ['slow', '--dir', historyDir, '--json']).stdout) as { files: { file: string }[]; tests: unknown[]; slower: unknown[] }
    expect(json.files[0]!.file).toBe('test/big.test.js')
  })
})

describe('reporter without a dir option', CHILD_RUNS, () => {
  it('writes to report.dir of the project\'s perf config', () => {
    const dir = tempProject({
      'perf.config.json': JSON.stringify({ name: 'fixture', report: { dir: '.perf-reports', history: 5 } }),
      'test/one.test.js': `import { it } from 'vitest'\nit('one', () => {})\n`,
      'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { include: ['test/**/*.test.js'], reporters: [join(import.meta.dirname, 'reporter.mjs')] } }
`,
    })
    rmSync(join(dir, 'reporter.mjs'), { force: true })
    return bundle(join(dir, 'reporter.mjs'), { file: 'src/vitest/index.ts' }).then(() => {
      const r = runVitest(dir, 'vitest.config.mjs', { UNPERF_NO_SNAPSHOT: '1' })
      expect(r.status, r.stdout + r.stderr).toBe(0)
      expect(existsSync(join(dir, '.perf-reports', 'tests.jsonl'))).toBe(true)
      expect(readTestHistory(join(dir, '.perf-reports')).entries[0]!.files[0]!.path).toBe('test/one.test.js')
    })
  })

  it('a bad perf config costs one warning line, never the test run', async () => {
    const dir = tempProject({
      'perf.config.json': JSON.stringify({ report: { history: 'lots' } }),
      'test/one.test.js': `import { it } from 'vitest'\nit('one', () => {})\n`,
      'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { include: ['test/**/*.test.js'], reporters: ['default', join(import.meta.dirname, 'reporter.mjs')] } }
`,
    })
    await bundle(join(dir, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
    const r = runVitest(dir, 'vitest.config.mjs', { UNPERF_NO_SNAPSHOT: '1' })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stderr).toMatch(/\[unperf\] vitest reporter: test history not recorded: [\s\S]*report\.history/)
    expect(r.stderr.match(/\[unperf\]/g)).toHaveLength(1)
  })
})
