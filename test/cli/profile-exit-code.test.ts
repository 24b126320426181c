/**
 * `unperf profile -- <cmd>` exits as the command did: a CI step `unperf profile -- node build.mjs`
 * passed (exit 0) when the build failed. The command's exit code, 128 + n when signal n killed it
 * (as shells report it), 127 when it is not found; the profile is still kept and printed.
 * `unperf bench` says a --prepare command killed by a signal as such (it read 'exited with code SIGKILL').
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const BUSY = 'let x = 0; for (let i = 0; i < 2e6; i++) x += Math.sqrt(i)'

/** Each test runs the unperf CLI as child processes, up to ten: 21 s at load 8, past the default 30 s at load 15 and more. */
const CHILD_RUNS = { timeout: 120_000 }

describe('unperf profile exits with the command\'s status', CHILD_RUNS, () => {
  it('a non-zero exit: the same code, the profile kept and printed (text, --json, --heap)', () => {
    const dir = tempDir('unperf-profile-exit-')
    writeFileSync(join(dir, 'fail.mjs'), `${BUSY}; process.exitCode = 3`)
    const text = unperf(dir, 'profile', '--', process.execPath, 'fail.mjs')
    expect(text.code, text.stderr).toBe(3)
    expect(text.stdout).toMatch(/fail\.mjs: \S+ \S+ wall, exit 3/)
    expect(text.stdout).toContain('Top functions by self time')
    const json = unperf(dir, 'profile', '--json', '--', process.execPath, 'fail.mjs')
    expect(json.code, json.stderr).toBe(3)
    expect(json.json()).toMatchObject({ exitCode: 3, signal: null })
    expect(existsSync(json.json().profile)).toBe(true)
    const heap = unperf(dir, 'profile', '--heap', '--json', '--', process.execPath, 'fail.mjs')
    expect(heap.code, heap.stderr).toBe(3)
    expect(heap.json().allocations.length).toBeGreaterThan(0)
    // through a wrapper: the wrapper's status is the program's
    const wrapped = unperf(dir, 'profile', '--json', '--', 'sh', '-c', `${JSON.stringify(process.execPath)} fail.mjs`)
    expect(wrapped.code, wrapped.stderr).toBe(3)
    writeFileSync(join(dir, 'ok.mjs'), BUSY)
    expect(unperf(dir, 'profile', '--json', '--', process.execPath, 'ok.mjs').code).toBe(0)
  })

  it('killed by a signal: 128 + its number, as shells report it, with or without a profile', () => {
    const dir = tempDir('unperf-profile-signal-')
    writeFileSync(join(dir, 'busy.mjs'), BUSY)
    const node = `${JSON.stringify(process.execPath)} busy.mjs`
    // node wrote its profile, then the wrapper was killed
    const term = unperf(dir, 'profile', '--json', '--', 'sh', '-c', `${node}; kill -TERM $$`)
    expect(term.code, term.stderr).toBe(128 + 15)
    expect(term.json()).toMatchObject({ exitCode: null, signal: 'SIGTERM' })
    writeFileSync(join(dir, 'killed.mjs'), `${BUSY}; process.kill(process.pid, 'SIGKILL')`)
    const kill = unperf(dir, 'profile', '--json', '--', process.execPath, 'killed.mjs')
    expect(kill.code, kill.stderr).toBe(128 + 9)
    // killed before any profile was written: the error says how the command ended, the status is still its
    const none = unperf(dir, 'profile', '--json', '--', 'sh', '-c', 'kill -KILL $$')
    expect(none.code, none.stderr).toBe(128 + 9)
    expect(none.json().error).toMatchObject({ name: 'ProfileCommandError', code: 'E_NO_PROFILE' })
    expect(none.stderr).toContain('ended (killed by SIGKILL) before any node process in it wrote one')
    // a command that failed without running node: its status, not a usage error
    expect(unperf(dir, 'profile', '--', 'sh', '-c', 'exit 5').code).toBe(5)
    // ran fine but no node in it: bad usage, as before
    expect(unperf(dir, 'profile', '--', 'sh', '-c', 'true').code).toBe(2)
  })

  it('a command that is not found exits 127, as a shell does', () => {
    const dir = tempDir('unperf-profile-missing-')
    const r = unperf(dir, 'profile', '--json', '--', 'unperf-no-such-command')
    expect(r.code).toBe(127)
    expect(r.json().error).toMatchObject({ name: 'ProfileCommandError', code: 'E_COMMAND_NOT_RUN' })
    expect(r.stderr).toContain("could not run 'unperf-no-such-command': command not found")
  })
})

describe('unperf bench --prepare killed by a signal', CHILD_RUNS, () => {
  it('is said as such, not as an exit code named SIGKILL', () => {
    const dir = tempDir('unperf-bench-prepare-signal-')
    const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--prepare', 'kill -KILL $$', 'true')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('the --prepare command was killed by SIGKILL: kill -KILL $$')
  })
})
