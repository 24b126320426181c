/**
 * Runs that time only part of a file are `partial` (their file durations are not used for shards
 * nor for the slowest files): `-t`, and a file holding `it.only` / `describe.only`, where vitest
 * runs only those tests of it. Real vitest 4 runs of a temp project.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { fileDurations } from '../../src/vitest/shard.js'
import { findSlow } from '../../src/vitest/slow.js'
import { bundle, runVitest, tempProject, writeFiles } from './_project.js'

const CONFIG = `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.js'],
    tags: [{ name: 'db' }],
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`
const PLAIN = `import { it } from 'vitest'
it('one', () => {})
it('two', () => {})
`

let project: string
beforeAll(async () => {
  project = tempProject({ 'vitest.config.mjs': CONFIG, 'test/a.test.js': PLAIN, 'test/b.test.js': PLAIN })
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
}, 60_000)

function recordedRun(name: string, files: Record<string, string>, args: string[] = []) {
  writeFiles(project, { 'test/a.test.js': PLAIN, ...files })
  const dir = join(project, `history-${name}`)
  const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir }, args)
  expect(r.status, r.stdout + r.stderr).toBe(0)
  const { entries } = readTestHistory(dir)
  expect(entries).toHaveLength(1)
  return entries[0]!
}

describe('partial runs', () => {
  it('a whole run is not partial: its file durations count', () => {
    const entry = recordedRun('whole', {})
    expect(entry.partial).toBeUndefined()
    expect([...fileDurations([entry]).medians.keys()].sort()).toEqual(['test/a.test.js', 'test/b.test.js'])
  }, 120_000)

  it('a file with it.only makes the run partial: the skipped tests do not make its duration look like the whole file\'s', () => {
    const entry = recordedRun('it-only', { 'test/a.test.js': `import { it } from 'vitest'\nit('one', () => {})\nit.only('two', () => {})\n` })
    expect(entry.files.find(f => f.path === 'test/a.test.js')!.tests.map(t => [t[0], t[2]])).toEqual([['one', 's'], ['two', 'p']])
    expect(entry.partial).toBe(true)
    expect(fileDurations([entry]).medians.size).toBe(0)
    expect(findSlow([entry]).files).toEqual([])
  }, 120_000)

  it('describe.only makes the run partial too', () => {
    const entry = recordedRun('describe-only', {
      'test/a.test.js': `import { describe, it } from 'vitest'\nit('outside', () => {})\ndescribe.only('focused', () => { it('inside', () => {}) })\n`,
    })
    expect(entry.partial).toBe(true)
  }, 120_000)

  it('an it.skip alone does not: the file ran whole', () => {
    const entry = recordedRun('it-skip', { 'test/a.test.js': `import { it } from 'vitest'\nit('one', () => {})\nit.skip('two', () => {})\n` })
    expect(entry.partial).toBeUndefined()
  }, 120_000)

  it('-t (a test name pattern) and --tags-filter make the run partial', () => {
    expect(recordedRun('name-pattern', {}, ['-t', 'one']).partial).toBe(true)
    const tagged = recordedRun('tags', { 'test/a.test.js': `import { it } from 'vitest'\nit('one', { tags: ['db'] }, () => {})\nit('two', () => {})\n` }, ['--tags-filter', 'db'])
    expect(tagged.files.find(f => f.path === 'test/a.test.js')!.tests.map(t => t[2])).toEqual(['p', 's'])
    expect(tagged.partial).toBe(true)
  }, 120_000)
})
