/**
 * A `beforeAll` that fails in some runs, and a file whose import fails in some runs: vitest skips
 * the tests such a hook guards (and collects none of a file that fails to load), so no test of
 * theirs ever flips. The reporter records the suites that failed outside their tests, and
 * `unperf tests flaky` lists the suite and the file themselves. Real vitest runs, real CLI.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

const SHA = 'c'.repeat(40)
let project: string
let historyDir: string
let entries: TestRunEntry[]
let statuses: (number | null)[]

beforeAll(async () => {
  project = tempProject({
    'test/hook.test.js': `import { beforeAll, describe, it } from 'vitest'
describe('needs a server', () => {
  beforeAll(() => { if (process.env.BREAK === '1') throw new Error('server down') })
  describe('api', () => { it('answers', () => {}) })
})
it('outside', () => {})
`,
    'test/load.test.js': `import { it } from 'vitest'
if (process.env.BREAK === '1') throw new Error('import failed')
it('loads', () => {})
`,
    'test/always.test.js': `import { afterAll, describe, it } from 'vitest'
describe('always broken', () => {
  afterAll(() => { throw new Error('cleanup fails every time') })
  it('runs', () => {})
})
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
  const env = { HISTORY_DIR: historyDir, GITHUB_SHA: SHA }
  statuses = ['0', '1', '0'].map(flag => runVitest(project, 'vitest.config.mjs', { ...env, BREAK: flag }).status)
  entries = readTestHistory(historyDir).entries
}, 300_000)

describe('suites that fail outside their tests', () => {
  it('are recorded per file: the suite by full name, the file itself as an empty name', () => {
    expect(statuses).toEqual([1, 1, 1]) // always.test.js fails every run
    expect(entries).toHaveLength(3)
    const failed = entries.map(e => Object.fromEntries(e.files.map(f => [f.path, f.failedSuites ?? []])))
    expect(failed).toEqual([
      { 'test/always.test.js': ['always broken'], 'test/hook.test.js': [], 'test/load.test.js': [] },
      { 'test/always.test.js': ['always broken'], 'test/hook.test.js': ['needs a server'], 'test/load.test.js': [''] },
      { 'test/always.test.js': ['always broken'], 'test/hook.test.js': [], 'test/load.test.js': [] },
    ])
    // what vitest itself says: the guarded test is skipped, not failed
    const hook = entries[1]!.files.find(f => f.path === 'test/hook.test.js')!
    expect(hook.tests.find(t => t[0] === 'needs a server > api > answers')?.[2]).toBe('s')
  })

  it('unperf tests flaky lists the flipping suite and file, not the one that always fails', async () => {
    const cli = await bundleCommand(project, 'tests')
    const json = runNode(project, cli, ['flaky', '--dir', historyDir, '--json'])
    expect(json.status, json.stderr).toBe(0)
    const flaky = (JSON.parse(json.stdout) as { flaky: unknown[] }).flaky
    expect(flaky).toEqual([
      { file: 'test/hook.test.js', name: 'needs a server', suite: true, flipRate: 1, flips: 2, transitions: 2, retried: 0, runs: 3, lastFlakyAt: entries[2]!.endedAt, commit: SHA },
      { file: 'test/load.test.js', name: '', suite: true, flipRate: 1, flips: 2, transitions: 2, retried: 0, runs: 3, lastFlakyAt: entries[2]!.endedAt, commit: SHA },
    ])
    const text = runNode(project, cli, ['flaky', '--dir', historyDir])
    expect(text.stdout).toContain('2 flaky tests in the last 3 runs')
    expect(text.stdout).toContain('100%  test/hook.test.js > needs a server (the suite: its beforeAll/afterAll failed)  (2 flips in 3 runs)')
    expect(text.stdout).toContain('100%  test/load.test.js (the file: its import, a top-level beforeAll/afterAll, its worker or an unhandled error failed)  (2 flips in 3 runs)')
  })
})
