/**
 * Test files vitest finds by other globs than `include`: type tests (`typecheck.enabled`, files of
 * `typecheck.include`, `*.test-d.ts`) and in-source tests (`includeSource`, files holding
 * `import.meta.vitest`). The reporter records those globs, so `unperf shard` puts every such file
 * in a shard: before, they were in no shard, and a sharded CI never ran them. Real vitest runs
 * (tsc as the type checker), real CLI.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

let project: string
let historyDir: string
let cli: string
const ALL = ['src/sum.ts', 'test/a.test.ts', 'test/b.test.ts', 'test/types.test-d.ts']

beforeAll(async () => {
  project = tempProject({
    'src/sum.ts': `export const sum = (a: number, b: number): number => a + b
if (import.meta.vitest) {
  const { it, expect } = import.meta.vitest
  it('adds', () => { expect(sum(1, 2)).toBe(3) })
}
`,
    'src/other.ts': 'export const other = 1\n',
    'test/a.test.ts': `import { it } from 'vitest'\nit('a', async () => { await new Promise(r => setTimeout(r, 40)) })\n`,
    'test/b.test.ts': `import { it } from 'vitest'\nit('b', () => {})\n`,
    'test/types.test-d.ts': `import { expectTypeOf, it } from 'vitest'\nit('is a number', () => { expectTypeOf(1).toEqualTypeOf<number>() })\n`,
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', noEmit: true, skipLibCheck: true, types: ['vitest/importMeta'] }, include: ['src', 'test'] }),
    'vitest.config.mjs': `import { join } from 'node:path'
export default {
  test: {
    include: ['test/**/*.test.ts'],
    includeSource: ['src/**/*.ts'],
    typecheck: { enabled: true },
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`,
  })
  historyDir = join(project, 'history')
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  cli = await bundleCommand(project, 'shard')
  const run = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: historyDir })
  expect(run.status, run.stdout + run.stderr).toBe(0)
}, 300_000)

interface Plan { files: string[]; shards: Array<{ files: string[] }> }

describe('type tests and in-source tests in shard plans', () => {
  it('the first run records every file, and the globs that find them', () => {
    const [entry] = readTestHistory(historyDir).entries
    expect(entry!.files.map(f => f.path).sort()).toEqual(ALL)
    expect(entry!.projects).toEqual([
      { dir: '', include: ['test/**/*.test.ts'], exclude: expect.any(Array), includeSource: ['src/**/*.ts'] },
      { dir: '', include: expect.arrayContaining([expect.stringContaining('-d.')]), exclude: expect.any(Array) },
    ])
  })

  it('every file is in exactly one shard (a source file without in-source tests in none), and each shard runs its own', () => {
    const plans = [1, 2].map(index => {
      const r = runNode(project, cli, ['--total', '2', '--index', String(index), '--dir', historyDir, '--json'])
      expect(r.status, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as Plan
    })
    expect(plans[0]!.shards.flatMap(s => s.files).sort()).toEqual(ALL)
    expect([...plans[0]!.files, ...plans[1]!.files].sort()).toEqual(ALL)
    // vitest runs what the shards name: together, every file once
    const before = readTestHistory(historyDir).entries.length
    for (const plan of plans) {
      const run = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: historyDir }, plan.files)
      expect(run.status, run.stdout + run.stderr).toBe(0)
    }
    const shardRuns = readTestHistory(historyDir).entries.slice(before)
    expect(shardRuns.flatMap(e => e.files.map(f => f.path)).sort()).toEqual(ALL)
    // each told by its plan (type tests and in-source files among its files): one run of the suite
    expect(shardRuns.map(e => [e.shard, e.shardBy])).toEqual([['1/2', 'unperf'], ['2/2', 'unperf']])
  }, 120_000) // two nested vitest runs, each running tsc on the type tests: 39 s at load 10

  it('with typecheck.only, only the type tests are planned', async () => {
    const only = tempProject({
      'test/a.test.ts': `import { it } from 'vitest'\nit('a', () => {})\n`,
      'test/types.test-d.ts': `import { expectTypeOf, it } from 'vitest'\nit('n', () => { expectTypeOf(1).toEqualTypeOf<number>() })\n`,
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', noEmit: true, skipLibCheck: true }, include: ['test'] }),
      'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { typecheck: { enabled: true, only: true }, reporters: [[join(import.meta.dirname, 'reporter.mjs'), { dir: 'history', history: 20 }]] } }
`,
    })
    await bundle(join(only, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
    const run = runVitest(only, 'vitest.config.mjs')
    expect(run.status, run.stdout + run.stderr).toBe(0)
    const r = runNode(only, cli, ['--total', '1', '--index', '1', '--dir', 'history', '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as Plan).files).toEqual(['test/types.test-d.ts'])
  })
})
