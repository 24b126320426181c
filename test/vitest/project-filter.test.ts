/**
 * A run filtered with `vitest run --project <name>` records only the projects it ran, and one with
 * `--exclude <glob>` has that glob in every project's exclude. `unperf shard` found the files to
 * plan with the globs of the last recorded run, so after one such run the other projects' (or the
 * excluded) files were left out of every shard: CI green, those tests never run. Real vitest runs
 * (two projects), real CLI.
 */
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { appendTestRun, readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

let project: string
let historyDir: string
let entries: TestRunEntry[]
let shardCli: string

beforeAll(async () => {
  project = tempProject({
    'unit/a.test.js': `import { it } from 'vitest'\nit('a', () => {})\n`,
    'unit/b.test.js': `import { it } from 'vitest'\nit('b', () => {})\n`,
    'e2e/flow.e2e.js': `import { it } from 'vitest'\nit('flow', () => {})\n`,
    'vitest.config.mjs': `import { join } from 'node:path'
export default {
  test: {
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: join(import.meta.dirname, process.env.HISTORY ?? 'history'), history: 20 }]],
    projects: [
      { test: { name: 'unit', include: ['unit/**/*.test.js'] } },
      { test: { name: 'e2e', include: ['e2e/**/*.e2e.js'] } },
    ],
  },
}
`,
  })
  historyDir = join(project, 'history')
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const runs = [runVitest(project, 'vitest.config.mjs'), runVitest(project, 'vitest.config.mjs', {}, ['--project', 'unit'])]
  expect(runs.map(r => r.status), runs.map(r => r.stdout + r.stderr).join('\n')).toEqual([0, 0])
  entries = readTestHistory(historyDir).entries
  shardCli = await bundleCommand(project, 'shard')
}, 300_000)

it('records the --project option of a run', () => {
  expect(entries.map(e => [e.narrowedBy, e.projects?.map(p => p.name)])).toEqual([
    [undefined, ['unit', 'e2e']],
    [['--project unit'], ['unit']],
  ])
})

it('unperf shard plans every project\'s files after a run filtered by --project', () => {
  const shards = [1, 2].map(i => runNode(project, shardCli, ['--total', '2', '--index', String(i), '--dir', historyDir]))
  expect(shards.map(s => s.status)).toEqual([0, 0])
  const planned = shards.flatMap(s => s.stdout.trim().split(' ')).sort()
  expect(planned).toEqual(['e2e/flow.e2e.js', 'unit/a.test.js', 'unit/b.test.js'])
  expect(shards[0]!.stderr).not.toContain('--project')
})

it('with only filtered runs recorded, it plans what they ran and says which projects', () => {
  // the history of a team that always runs `--project unit`
  const onlyFiltered = join(project, 'history-filtered')
  appendTestRun(onlyFiltered, entries[1]!, { cap: 20 })
  const json = runNode(project, shardCli, ['--total', '1', '--index', '1', '--dir', onlyFiltered, '--json'])
  expect(JSON.parse(json.stdout)).toMatchObject({ files: ['unit/a.test.js', 'unit/b.test.js'], narrowedBy: ['--project unit'] })
  const text = runNode(project, shardCli, ['--total', '1', '--index', '1', '--dir', onlyFiltered])
  expect(text.stdout.trim()).toBe('unit/a.test.js unit/b.test.js')
  expect(text.stderr).toContain('every recorded run was narrowed on the command line (--project unit): only the files those runs looked for are planned; run vitest once without these options, or pass globs')
})

it('a command line --exclude is not recorded as the projects\' globs: later plans still hold those files', () => {
  const r = runVitest(project, 'vitest.config.mjs', { HISTORY: 'history-excluded' }, ['--exclude', 'unit/b.test.js'])
  expect(r.status, r.stdout + r.stderr).toBe(0)
  const excluded = join(project, 'history-excluded')
  const [entry] = readTestHistory(excluded).entries
  expect(entry!.files.map(f => f.path).sort()).toEqual(['e2e/flow.e2e.js', 'unit/a.test.js'])
  expect(entry!.projects!.map(p => p.exclude.includes('unit/b.test.js'))).toEqual([false, false])
  const plan = runNode(project, shardCli, ['--total', '1', '--index', '1', '--dir', excluded])
  expect(plan.stdout.trim()).toBe('e2e/flow.e2e.js unit/a.test.js unit/b.test.js')
}, 120_000)

it('a run narrowed with --dir does not narrow later plans either', async () => {
  const single = tempProject({
    'unit/a.test.js': `import { it } from 'vitest'\nit('a', () => {})\n`,
    'other/b.test.js': `import { it } from 'vitest'\nit('b', () => {})\n`,
    'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: join(import.meta.dirname, 'history'), history: 20 }]] } }
`,
  })
  await bundle(join(single, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const runs = [runVitest(single, 'vitest.config.mjs'), runVitest(single, 'vitest.config.mjs', {}, ['--dir', 'unit'])]
  expect(runs.map(r => r.status), runs.map(r => r.stdout + r.stderr).join('\n')).toEqual([0, 0])
  const history = join(single, 'history')
  expect(readTestHistory(history).entries.map(e => [e.narrowedBy, e.files.length])).toEqual([[undefined, 2], [['--dir unit'], 1]])
  const plan = runNode(single, shardCli, ['--total', '1', '--index', '1', '--dir', history])
  expect(plan.stdout.trim()).toBe('other/b.test.js unit/a.test.js')
}, 120_000)
