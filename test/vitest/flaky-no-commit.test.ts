/**
 * `unperf tests flaky` on runs that recorded no git commit (vitest run outside a git repository):
 * results are compared across runs of the same commit only, so a test that failed in one run and
 * passed in the next is not called flaky there. The CLI said only "no flaky tests in the last 2
 * runs", as if it had looked; it now says why it could not, and what to do.
 */
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { appendTestRun } from '../../src/vitest/history.js'
import { bundleCommand, runNode, tempProject } from './_project.js'
import { file, run } from './_entries.js'

let project: string
let cli: string

beforeAll(async () => {
  project = tempProject()
  cli = await bundleCommand(project, 'tests')
}, 60_000)

const history = (name: string, commits: (string | undefined)[]): string => {
  const dir = join(project, name)
  for (const [i, commit] of commits.entries()) {
    appendTestRun(dir, run([file('test/a.test.ts', [['flips', 1, i % 2 ? 'p' : 'f', 0]])], commit ? { commit } : {}), { cap: 100 })
  }
  return dir
}

it('says the runs recorded no commit, so a flip across them is not judged', () => {
  const r = runNode(project, cli, ['flaky', '--dir', history('no-git', [undefined, undefined])])
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toBe('no flaky tests in the last 2 runs\n(none of them recorded a git commit: results are compared across runs of the same commit only, so there only a pass on retry counts; run vitest in a git repository)\n')
})

it('says nothing more when every run recorded its commit', () => {
  const r = runNode(project, cli, ['flaky', '--dir', history('two-commits', ['a'.repeat(40), 'b'.repeat(40)])])
  expect(r.stdout).toBe('no flaky tests in the last 2 runs\n')
})
