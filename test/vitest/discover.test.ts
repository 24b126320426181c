/** issue 10: the files a shard plan covers are the ones on disk, found with vitest's recorded globs. */
import { describe, expect, it } from 'vitest'
import { discoverTestFiles, testFilePatterns } from '../../src/vitest/discover.js'
import { tempDir } from '../helpers/tmp.js'
import { run } from './_entries.js'
import { writeFiles } from './_project.js'

describe('discoverTestFiles', () => {
  const dir = tempDir()
  writeFiles(dir, {
    'src/a.test.ts': '', 'src/b.spec.mjs': '', 'src/util.ts': '', 'node_modules/x/x.test.ts': '',
    'packages/web/test/c.test.tsx': '', 'e2e/flow.e2e.ts': '',
  })

  it('vitest\'s default globs without history', async () => {
    expect(await discoverTestFiles(dir, [])).toEqual(['packages/web/test/c.test.tsx', 'src/a.test.ts', 'src/b.spec.mjs'])
  })

  it('the globs of the last run that recorded them, per project directory', async () => {
    const entries = [
      run({}, { projects: [{ dir: '', include: ['src/**/*.test.ts'], exclude: [] }] }),
      run({}, { projects: [{ dir: 'packages/web', include: ['test/**/*.test.tsx'], exclude: [] }, { name: 'e2e', dir: '', include: ['e2e/**/*.e2e.ts'], exclude: [] }] }),
      run({}),
    ]
    expect(await discoverTestFiles(dir, entries)).toEqual(['e2e/flow.e2e.ts', 'packages/web/test/c.test.tsx'])
  })

  it('a run narrowed with --project or --dir does not narrow the plan: the last run without them gives the globs', async () => {
    const all = [{ name: 'web', dir: 'packages/web', include: ['test/**/*.test.tsx'], exclude: [] }, { name: 'e2e', dir: '', include: ['e2e/**/*.e2e.ts'], exclude: [] }]
    const entries = [run({}, { projects: all }), run({}, { projects: [all[1]!], narrowedBy: ['--project e2e'] })]
    expect(await discoverTestFiles(dir, entries)).toEqual(['e2e/flow.e2e.ts', 'packages/web/test/c.test.tsx'])
    expect(testFilePatterns(entries).narrowedBy).toBeUndefined()
    // only narrowed runs: what they looked at together, and the options
    const narrowed = [run({}, { projects: [all[0]!], narrowedBy: ['--project web'] }), run({}, { projects: [all[1]!], narrowedBy: ['--project e*'] })]
    expect(await discoverTestFiles(dir, narrowed)).toEqual(['e2e/flow.e2e.ts', 'packages/web/test/c.test.tsx'])
    expect(testFilePatterns(narrowed).narrowedBy).toEqual(['--project e*', '--project web'])
  })

  it('explicit globs win', async () => {
    expect(await discoverTestFiles(dir, [], { include: ['src/**'] })).toEqual(['src/a.test.ts', 'src/b.spec.mjs', 'src/util.ts'])
  })
})
