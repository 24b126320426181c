/**
 * "Same code" for flips across runs, in a real git repository with real vitest 4 runs: files the
 * test run writes into the project itself (an untracked log, a tracked fixture it rewrites) used to
 * make every run "different code", so a test failing then passing on unchanged code was never
 * called flaky. They are left out now; a change made between runs still counts.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { findFlaky } from '../../src/vitest/flaky.js'
import { readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, runVitest, tempProject } from './_project.js'

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' })

const CONFIG = `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.js'],
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`
// writes into the project on every run: an untracked log (not ignored) and a tracked fixture
const WRITES = `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { answer } from './helper.js'
it('writes its output into the project', () => {
  mkdirSync('out', { recursive: true })
  appendFileSync('out/run.log', 'run at ' + Date.now() + '\\n')
  writeFileSync('fixtures/stamp.txt', String(Date.now()))
  expect(answer).toBeGreaterThan(0)
})
it('flips', () => { expect(process.env.FLIP).not.toBe('1') })
`

let project: string
let history: string
let entries: TestRunEntry[]
const run = (flip: string) => {
  const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: history, FLIP: flip })
  expect(r.stderr).not.toContain('[unperf]')
}

beforeAll(async () => {
  project = tempProject({
    '.gitignore': 'node_modules\nreporter.mjs\n',
    'vitest.config.mjs': CONFIG,
    'test/writes.test.js': WRITES,
    'fixtures/stamp.txt': '0',
  })
  history = tempDir('unperf-same-code-history-')
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  git(project, 'init', '-q')
  git(project, 'add', '-A')
  git(project, 'commit', '-qm', 'init')
  // the user's own uncommitted work: a new helper the test imports (untracked)
  writeFileSync(join(project, 'test/helper.js'), 'export const answer = 42\n')
  for (const flip of ['0', '1', '0']) run(flip)
  // the user changes the helper: the next run is other code
  writeFileSync(join(project, 'test/helper.js'), 'export const answer = 43\n')
  run('1')
  entries = readTestHistory(history).entries
}, 300_000)

describe('same code across runs', () => {
  it('files the runs write themselves do not make each run other code', () => {
    expect(entries.map(e => e.result)).toEqual(['passed', 'failed', 'passed', 'failed'])
    expect(git(project, 'status', '--porcelain')).toContain('out/') // the log is an untracked change indeed
    const [first, second, third] = entries
    expect(first!.dirty).toBe(true) // the helper
    expect(second!.tree).toBe(first!.tree)
    expect(third!.tree).toBe(first!.tree)
  })

  it('a test failing then passing on that code is flaky', () => {
    expect(findFlaky(entries)).toMatchObject([{ file: 'test/writes.test.js', name: 'flips', flips: 2, transitions: 2, runs: 4 }])
  })

  it('a change the user made between runs is still other code', () => {
    expect(entries[3]!.dirty).toBe(true)
    expect(entries[3]!.tree).not.toBe(entries[0]!.tree)
  })
})

// a fixture made once: the first run writes it (untracked, not ignored) and so does a tracked
// file it fills in once; later runs reuse them. The first run and the next were other code.
const ONCE = `import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { expect, it } from 'vitest'
it('makes its fixtures once', () => {
  if (!existsSync('fixtures/made-once.json')) writeFileSync('fixtures/made-once.json', JSON.stringify({ made: Date.now() }))
  if (readFileSync('fixtures/seed.txt', 'utf8') === '') writeFileSync('fixtures/seed.txt', String(Date.now()))
  expect(existsSync('fixtures/made-once.json')).toBe(true)
})
it('flips', () => { expect(process.env.FLIP).not.toBe('1') })
`

describe('files a test run makes once', () => {
  let once: string
  let onceHistory: string
  let runs: TestRunEntry[]
  const runOnce = (flip: string) => {
    const r = runVitest(once, 'vitest.config.mjs', { HISTORY_DIR: onceHistory, FLIP: flip })
    expect(r.stderr).not.toContain('[unperf]')
  }

  beforeAll(async () => {
    once = tempProject({
      '.gitignore': 'node_modules\nreporter.mjs\n',
      'vitest.config.mjs': CONFIG,
      'test/once.test.js': ONCE,
      'fixtures/seed.txt': '',
      'lib/gone.js': 'export const gone = 1\n',
    })
    onceHistory = tempDir('unperf-same-code-once-')
    await bundle(join(once, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
    git(once, 'init', '-q')
    git(once, 'add', '-A')
    git(once, 'commit', '-qm', 'init')
    runOnce('0') // makes both fixtures
    runOnce('1')
    runOnce('0')
    // the user deletes a tracked file: other code, though the file is gone when the run ends
    git(once, 'rm', '-q', 'lib/gone.js')
    runOnce('1')
    runs = readTestHistory(onceHistory).entries
  }, 300_000)

  it('the run that made them and the runs reusing them are the same code', () => {
    expect(runs.map(e => e.result)).toEqual(['passed', 'failed', 'passed', 'failed'])
    expect(git(once, 'status', '--porcelain')).toContain('fixtures/made-once.json')
    expect(git(once, 'status', '--porcelain')).toContain('fixtures/seed.txt')
    expect(runs.slice(0, 3).map(e => [e.dirty, e.tree])).toEqual([[false, undefined], [false, undefined], [false, undefined]])
    expect(findFlaky(runs)).toMatchObject([{ file: 'test/once.test.js', name: 'flips', flips: 2, transitions: 2, runs: 4 }])
  })

  it('a tracked file the user deleted before the run is a change', () => {
    expect(runs[3]).toMatchObject({ dirty: true, tree: expect.any(String) })
  })
})
