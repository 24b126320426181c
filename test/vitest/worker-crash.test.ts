/**
 * A test file whose worker dies under it (a native crash, out of memory, `process.kill`): vitest
 * reports an unhandled error and exits 1, but leaves the file `pending` and ends the run as
 * 'passed' when nothing else failed. The reporter records the run as failed and the file as
 * failed and `crashed` (its tests never reported back), so a file that crashes in some runs is
 * found flaky, and its cut-short duration never feeds `unperf shard` or `tests slow`. An unhandled
 * rejection (vitest exits 1, every test passed) makes the run failed too, and marks the file it
 * came from as failed outside its tests (found flaky when that happens in some runs). Real vitest
 * runs, real CLI.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { fileDurations } from '../../src/vitest/shard.js'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

const SHA = 'd'.repeat(40)
let project: string
let historyDir: string
let entries: TestRunEntry[]
let statuses: (number | null)[]

beforeAll(async () => {
  project = tempProject({
    'test/crash.test.js': `import { it } from 'vitest'
it('runs native code', async () => {
  await new Promise(r => setTimeout(r, 30))
  if (process.env.CRASH === '1') process.kill(process.pid, 'SIGKILL')
})
`,
    'test/steady.test.js': `import { it } from 'vitest'
it('passes', () => {})
`,
    'test/rejects.test.js': `import { it } from 'vitest'
it('forgets a promise', () => { if (process.env.REJECT === '1') Promise.reject(new Error('late')) })
`,
    'vitest.config.mjs': `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.js'],
    pool: 'forks',
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`,
  })
  historyDir = join(project, 'history')
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const env = { HISTORY_DIR: historyDir, GITHUB_SHA: SHA }
  const runs: Record<string, string>[] = [{ CRASH: '0' }, { CRASH: '1' }, { CRASH: '0' }, { REJECT: '1' }]
  statuses = runs.map(flags => runVitest(project, 'vitest.config.mjs', { ...env, ...flags }, [], { isolate: true }).status)
  entries = readTestHistory(historyDir).entries
}, 300_000)

describe('a test file whose worker crashed', () => {
  it('is recorded as failed and crashed, in a run recorded as failed (vitest exits 1)', () => {
    expect(statuses).toEqual([0, 1, 0, 1])
    expect(entries.map(e => e.result)).toEqual(['passed', 'failed', 'passed', 'failed'])
    const crash = entries.map(e => e.files.find(f => f.path === 'test/crash.test.js'))
    expect(crash.map(f => f?.state)).toEqual(['passed', 'failed', 'passed', 'passed'])
    expect(crash[1]).toMatchObject({ crashed: true, failedSuites: [''] })
    expect(crash[0]?.crashed).toBeUndefined()
    // the other files of the crashed run are recorded as usual
    expect(entries[1]!.files.find(f => f.path === 'test/steady.test.js')?.state).toBe('passed')
  })

  it('an unhandled error marks the file it came from as failed outside its tests; its tests keep their results', () => {
    const rejects = entries.map(e => e.files.find(f => f.path === 'test/rejects.test.js'))
    expect(rejects.map(f => f?.failedSuites ?? [])).toEqual([[], [], [], ['']])
    expect(rejects[3]).toMatchObject({ state: 'passed', tests: [['forgets a promise', expect.any(Number), 'p', 0]] })
    expect(rejects[3]?.crashed).toBeUndefined()
  })

  it('is left out of the file durations of the run it crashed in', () => {
    const whole = fileDurations([entries[0]!, entries[2]!])
    expect(fileDurations(entries.slice(0, 3)).medians.get('test/crash.test.js')).toBe(whole.medians.get('test/crash.test.js'))
  })

  it('unperf tests flaky lists the file that crashed in one run of the same code', async () => {
    const cli = await bundleCommand(project, 'tests')
    const json = runNode(project, cli, ['flaky', '--dir', historyDir, '--json'])
    expect(json.status, json.stderr).toBe(0)
    const flaky = (JSON.parse(json.stdout) as { flaky: Array<{ file: string; name: string; suite?: true; flips: number }> }).flaky
    expect(flaky.map(f => ({ file: f.file, name: f.name, suite: f.suite, flips: f.flips }))).toEqual([
      { file: 'test/crash.test.js', name: '', suite: true, flips: 2 },
      { file: 'test/rejects.test.js', name: '', suite: true, flips: 1 },
    ])
    const text = runNode(project, cli, ['flaky', '--dir', historyDir])
    expect(text.stdout).toContain('test/crash.test.js (the file: its import, a top-level beforeAll/afterAll, its worker or an unhandled error failed)')
  })
})
