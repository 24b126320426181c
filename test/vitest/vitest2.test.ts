/**
 * vitest 2.1 (the reporter's `onFinished` path): a run `--bail` stopped was recorded as a whole,
 * unflagged run (its cut-short file timed as if complete), since vitest 2 ends a cancelled run in
 * `onFinished` as any other. It is now `bailed` and `partial`, as on vitest 3 and 4. A real
 * vitest 2.1.9 installed (npm, from its cache when it has it) beside the repo's packages.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { unsupportedVitest } from '../../src/vitest/vitest-version.js'
import { readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { leaveShardPlan } from '../../src/vitest/shard-plan.js'
import { appWithVitest, bundle, childEnv, writeFiles } from './_project.js'

const CONFIG = `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.js'],
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`
const FILE = (n: string) => `import { it } from 'vitest'
it('${n} one', async () => { await new Promise(r => setTimeout(r, 300)) })
it('${n} two', () => { if (process.env.FAIL === '${n}') throw new Error('no') })
it('${n} three', async () => { await new Promise(r => setTimeout(r, 300)) })
`

let app: string
let entries: TestRunEntry[]
const vitest2 = (env: Record<string, string>, args: string[] = []) => {
  const r = spawnSync(process.execPath, [join(app, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs', ...args],
    { cwd: app, env: childEnv({ HISTORY_DIR: join(app, 'history'), GITHUB_SHA: 'd'.repeat(40), ...env }), encoding: 'utf8', timeout: 120_000 })
  return r.stdout + r.stderr
}

beforeAll(async () => {
  // the app: vitest 2.1.9 of its own; the reporter's own packages resolve from the project above it
  app = appWithVitest('2.1.9')
  writeFiles(app, { 'vitest.config.mjs': CONFIG, 'test/a.test.js': FILE('a'), 'test/b.test.js': FILE('b') })
  await bundle(join(app, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const outputs = [vitest2({ FAIL: 'a' }, ['--bail', '1', '--maxWorkers', '1', '--minWorkers', '1']), vitest2({})]
  expect(outputs[0]).toContain('a two')
  expect(outputs.join('')).not.toContain('[unperf]')
  // a shard job of `vitest run $(unperf shard --total 2 --index 2)`: the plan it leaves, then its files
  leaveShardPlan(join(app, 'history'), { index: 2, total: 2, root: app, files: ['test/b.test.js'], history: { runs: 2 } })
  outputs.push(vitest2({}, ['test/b.test.js']))
  expect(outputs.join('')).not.toContain('[unperf]')
  entries = readTestHistory(join(app, 'history')).entries
}, 300_000)

describe('vitest 2.1', () => {
  it('a run --bail stopped is recorded as failed, bailed and partial; a whole run as it was', () => {
    expect(entries.map(e => e.vitest)).toEqual(['2.1.9', '2.1.9', '2.1.9'])
    expect(entries[0]).toMatchObject({ result: 'failed', bailed: true, partial: true })
    expect(entries[0]!.files.find(f => f.path === 'test/a.test.js')!.tests.map(t => t[2])).toEqual(['p', 'f'])
    expect(entries[1]).toMatchObject({ result: 'passed' })
    expect(entries[1]!.partial).toBeUndefined()
    expect(entries[1]!.files.map(f => f.tests.length)).toEqual([3, 3])
    expect(entries.slice(0, 2).map(e => e.shard)).toEqual([undefined, undefined])
  })

  it('a run of the files unperf shard planned is that shard job (onFinished\'s files matched to the plan)', () => {
    expect(entries[2]).toMatchObject({ shard: '2/2', shardBy: 'unperf', result: 'passed' })
    expect(entries[2]!.files.map(f => f.path)).toEqual(['test/b.test.js'])
  })
})

describe('older vitest', () => {
  it('before 2.1 the reporter refuses with one line naming the version and what it needs', () => {
    expect(unsupportedVitest('2.0.5')).toBe('test history not recorded: vitest 2.0.5 is not supported (unperf/vitest needs vitest >= 2.1; upgrade vitest or remove the reporter)')
    expect(unsupportedVitest('1.6.0')).toContain('vitest 1.6.0 is not supported')
    expect([unsupportedVitest('2.1.0'), unsupportedVitest('3.2.7'), unsupportedVitest('4.1.12'), unsupportedVitest(undefined)]).toEqual([undefined, undefined, undefined, undefined])
  })
})
