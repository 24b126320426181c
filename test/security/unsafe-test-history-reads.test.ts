/**
 * The vitest reporter and `unperf tests merge` refuse to write tests.jsonl into a dir someone else
 * could write to, but `unperf tests flaky|slow` and `unperf shard` still read it from there: lines
 * someone else planted decided the verdicts and the shards. Those reads now skip such a dir with a
 * warning, as `unperf report` and `budget` skip the run history. A real planted dir: 0777 without
 * the sticky bit (as the same user, enough to be unsafe); the real CLI as a child process.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatHistoryLine, type TestRunEntry } from '../../src/vitest/history-lines.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const SLOW = 999_999

/** A project with two test files and, in `.perf`, three runs where test/a.test.ts took SLOW ms. */
function project(mode: number): string {
  const dir = tempDir('unperf-unsafe-tests-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'planted-tests', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'test'))
  for (const f of ['a', 'b']) writeFileSync(join(dir, `test/${f}.test.ts`), '')
  const run = (n: number): TestRunEntry => ({
    v: 1, id: `planted-${n}`, startedAt: 1000 * n, endedAt: 1000 * n + 5, duration: 5, result: 'passed',
    files: [{ path: 'test/a.test.ts', state: 'passed', duration: SLOW, setup: 0, tests: [] }, { path: 'test/b.test.ts', state: 'passed', duration: 1, setup: 0, tests: [] }],
  })
  mkdirSync(join(dir, '.perf'))
  writeFileSync(join(dir, '.perf/tests.jsonl'), [1, 2, 3].map(n => formatHistoryLine(run(n))).join(''))
  chmodSync(join(dir, '.perf'), mode)
  return dir
}

describe.runIf(typeof process.getuid === 'function')('test history reads from a dir anyone can write to', () => {
  it('tests slow and tests flaky leave it out, with one warning naming the dir (exit 0, as with no history)', () => {
    const dir = project(0o777)
    for (const cmd of ['slow', 'flaky']) {
      const r = unperf(dir, 'tests', cmd, '--dir', '.perf', '--json')
      expect(r.code, r.stderr).toBe(0)
      expect(r.json()).toMatchObject({ runs: 0 })
      expect(r.stderr.trim()).toBe(`[unperf] not reading the test history dir ${join(dir, '.perf')}: it is writable by everyone (mode 777), so someone else could have written what is in it; fix it (chown/chmod 700) or set report.dir (--dir)`)
    }
    const human = unperf(dir, 'tests', 'slow', '--dir', '.perf')
    expect(human.stdout).toBe('')
    expect(human.stderr).not.toContain('add the reporter')
  })

  it('shard plans without it (an even split), saying why', () => {
    const dir = project(0o777)
    const r = unperf(dir, 'shard', '--total', '2', '--index', '1', '--dir', '.perf', '--json', 'test/*.test.ts')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().history).toMatchObject({ runs: 0 })
    expect(r.json().expected).toBeLessThan(SLOW)
    expect(r.stderr).toContain('not reading the test history dir')
  })

  it('the same dir, private: read (the planted durations are the history then)', () => {
    const dir = project(0o700)
    const r = unperf(dir, 'tests', 'slow', '--dir', '.perf', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ runs: 3 })
    expect(r.stderr).toBe('')
    expect(unperf(dir, 'shard', '--total', '2', '--index', '1', '--dir', '.perf', '--json', 'test/*.test.ts').json().history).toMatchObject({ runs: 3 })
  })
})
