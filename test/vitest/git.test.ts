/**
 * probeCodeVersion against a real git repository: the reporter's own history dir inside the project
 * (`dir: '.unperf/tests'`, untracked or committed) changes on every run and must not make every run
 * "different code", or flips across runs are never found.
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { probeCodeVersion } from '../../src/vitest/git.js'
import { tempDir } from '../helpers/tmp.js'

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' })
const NO_CI = {} // no CI commit variables: the local git path

describe('probeCodeVersion', () => {
  it('leaves the history dir out of the changes, untracked or committed; other changes still count', async () => {
    const dir = tempDir('unperf-git-')
    git(dir, 'init', '-q')
    writeFileSync(join(dir, 'a.js'), 'export const a = 1\n')
    git(dir, 'add', '-A')
    git(dir, 'commit', '-qm', 'init')
    const history = join(dir, '.unperf', 'tests')
    mkdirSync(history, { recursive: true })
    writeFileSync(join(history, 'tests.jsonl'), 'run 1\n')

    const clean = await probeCodeVersion(dir, NO_CI, history)
    expect(clean).toMatchObject({ dirty: false })
    expect(clean.commit).toMatch(/^[0-9a-f]{40}$/)
    // without the exclusion the history file alone makes the tree dirty
    expect(await probeCodeVersion(dir, NO_CI)).toMatchObject({ dirty: true })

    // committed history (the README's "or commit it"), then appended to by the next run
    git(dir, 'add', '-A')
    git(dir, 'commit', '-qm', 'history')
    appendFileSync(join(history, 'tests.jsonl'), 'run 2\n')
    expect(await probeCodeVersion(dir, NO_CI, history)).toMatchObject({ dirty: false })

    // a real change: dirty, and the same tree hash however the history file changes
    writeFileSync(join(dir, 'a.js'), 'export const a = 2\n')
    const one = await probeCodeVersion(dir, NO_CI, history)
    appendFileSync(join(history, 'tests.jsonl'), 'run 3\n')
    writeFileSync(join(history, 'tests.jsonl.lock'), '')
    const two = await probeCodeVersion(dir, NO_CI, history)
    expect(one).toMatchObject({ dirty: true })
    expect(two.tree).toBe(one.tree)
    // the history dir outside the project: nothing to leave out, same answer as without it
    expect(await probeCodeVersion(dir, NO_CI, tempDir('unperf-git-elsewhere-'))).toEqual(await probeCodeVersion(dir, NO_CI))
  })
})
