/**
 * `unperf tests merge` wrote tests.jsonl without the report dir's safety check every other writer
 * of it makes (fs-safety.ts dirUnsafeSync: the run's report, the vitest reporter): into a shared
 * cache home someone else made first, their lines would be merged with ours and trusted by
 * `unperf tests` and `unperf shard`. Now refused (exit 1, E_REPORT_DIR_UNSAFE, nothing written), as
 * the reporter refuses it. Real dirs, the real CLI as a child process.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { formatHistoryLine, type TestRunEntry } from '../../src/vitest/history-lines.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const POSIX = typeof process.getuid === 'function'

/** A project `merge-cli` with one CI shard's tests.jsonl (two runs) in shards/a. */
function project(): string {
  const dir = tempDir('unperf-merge-unsafe-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'merge-cli', version: '1.0.0', type: 'module' }))
  const run = (n: number): TestRunEntry => ({ v: 1, id: `run-${n}`, startedAt: 1000 * n, endedAt: 1000 * n + 500, duration: 500, result: 'passed', files: [] })
  mkdirSync(join(dir, 'shards/a'), { recursive: true })
  writeFileSync(join(dir, 'shards/a/tests.jsonl'), [1, 2].map(n => formatHistoryLine(run(n))).join(''))
  return dir
}

describe.runIf(POSIX)('unperf tests merge into a dir someone else could write to', () => {
  it('the default report dir under a world-writable cache root (a shared XDG_CACHE_HOME): refused, exit 1, nothing written', () => {
    const dir = project()
    const root = join(dir, '.xdg', 'merge-cli') // the helper's XDG_CACHE_HOME is <cwd>/.xdg
    mkdirSync(root, { recursive: true })
    chmodSync(root, 0o777)
    const r = unperf(dir, 'tests', 'merge', '--json', 'shards/a/tests.jsonl')
    expect(r.code, r.stderr).toBe(1)
    expect(r.json().error).toMatchObject({ code: 'E_REPORT_DIR_UNSAFE' })
    expect(r.json().error.message).toContain(`refusing the test history dir ${root}: it is writable by everyone (mode 777): nothing was merged`)
    expect(existsSync(join(root, 'reports'))).toBe(false)
    // without --json: one line on stderr, stdout untouched
    const human = unperf(dir, 'tests', 'merge', 'shards/a/tests.jsonl')
    expect(human.code).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr).toMatch(/^\[unperf\] refusing the test history dir .*merge-cli: it is writable by everyone \(mode 777\): nothing was merged; fix it \(chown\/chmod 700\)/)
    expect(existsSync(join(root, 'reports'))).toBe(false)
  })

  it('the same cache root, private: merged (exit 0)', () => {
    const dir = project()
    const r = unperf(dir, 'tests', 'merge', '--json', 'shards/a/tests.jsonl')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ added: 2, known: 0, unreadable: [] })
    expect(statSync(join(r.json().file, '..')).mode & 0o777).toBe(0o700)
  })

  it('a --dir of the user\'s own, only its mode open (made by hand under umask 002): made 0700 and merged, as the reporter does', () => {
    const dir = project()
    mkdirSync(join(dir, 'history'))
    chmodSync(join(dir, 'history'), 0o775)
    const r = unperf(dir, 'tests', 'merge', '--dir', 'history', '--json', 'shards/a/tests.jsonl')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ added: 2 })
    expect(statSync(join(dir, 'history')).mode & 0o777).toBe(0o700)
    expect(readTestHistory(join(dir, 'history')).entries.map(e => e.id)).toEqual(['run-1', 'run-2'])
  })

  // another user's dir can only be made by root (as CI runs); as anyone else the case cannot be built
  it.runIf(POSIX && process.getuid!() === 0)('a --dir owned by another user, even private to them: refused, its planted lines left unread and unmixed', () => {
    const dir = project()
    const history = join(dir, 'history')
    mkdirSync(history, { mode: 0o700 })
    writeFileSync(join(history, 'tests.jsonl'), '')
    chownSync(history, 65534, 65534)
    const r = unperf(dir, 'tests', 'merge', '--dir', 'history', '--json', 'shards/a/tests.jsonl')
    expect(r.code, r.stderr).toBe(1)
    expect(r.json().error).toMatchObject({ code: 'E_REPORT_DIR_UNSAFE' })
    expect(r.json().error.message).toContain(`refusing the test history dir ${history}: it is owned by uid 65534, not by this user (uid 0)`)
    expect(statSync(join(history, 'tests.jsonl')).size).toBe(0)
    expect(statSync(history).mode & 0o777).toBe(0o700)
  })
})
