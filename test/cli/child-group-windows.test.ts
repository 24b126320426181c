/**
 * `unperf bench` and `unperf profile` on Windows, as far as it can be tested without Windows: which
 * branch `process.platform` picks and the arguments each builds (child-group.ts, bench-run.ts).
 * Windows has no process groups and `detached` is a new console there: the command shares unperf's
 * console (Ctrl-C reaches it), runs through cmd.exe (no `sh`), and a SIGKILL is `taskkill /T /F` of
 * its tree. The POSIX branch is the one the other bench and profile tests run for real; here its
 * arguments are pinned as they were before Windows had a branch.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { groupSpawnOptions, shellCommand, stopSteps } from '../../src/cli/child-group.js'
import { benchScript, EMPTY_COMMAND } from '../../src/cli/bench-run.js'

describe('child-group on each platform', () => {
  it('spawns detached (a group of its own) on POSIX, in unperf\'s console on Windows', () => {
    const options = { cwd: '/x', stdio: 'ignore' as const }
    for (const platform of ['linux', 'darwin', 'freebsd'] as const) expect(groupSpawnOptions(options, platform)).toEqual({ ...options, detached: true })
    expect(groupSpawnOptions(options, 'win32')).toEqual(options)
    expect(groupSpawnOptions(options, 'win32')).not.toHaveProperty('detached')
  })

  it('POSIX: every signal goes to the group, the leader ended or not', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as const) {
      for (const running of [true, false]) expect(stopSteps(42, signal, running, 'linux')).toEqual([{ kill: 'group', pid: 42, signal }])
    }
    expect(stopSteps(undefined, 'SIGINT', true, 'linux')).toEqual([])
  })

  it('Windows: a SIGKILL is taskkill of the tree, then the child itself, while it runs; nothing after it ended (its pid may be another\'s)', () => {
    expect(stopSteps(42, 'SIGKILL', true, 'win32')).toEqual([
      { kill: 'tree', file: 'taskkill', args: ['/pid', '42', '/T', '/F'] },
      { kill: 'child' },
    ])
    expect(stopSteps(42, 'SIGKILL', false, 'win32')).toEqual([])
    expect(stopSteps(undefined, 'SIGKILL', true, 'win32')).toEqual([])
  })

  it('Windows: the console\'s own signals are not passed on (the command shares the console: it has them already)', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) expect(stopSteps(42, signal, true, 'win32')).toEqual([])
  })

  it('the shell: sh -c on POSIX; cmd.exe /d /s /c "…" verbatim on Windows, from %ComSpec% when it names cmd.exe', () => {
    expect(shellCommand('echo hi', 'linux')).toEqual({ file: 'sh', args: ['-c', 'echo hi'], options: {} })
    const cmd = { args: ['/d', '/s', '/c', '"node -e "console.log(1)""'], options: { windowsVerbatimArguments: true } }
    expect(shellCommand('node -e "console.log(1)"', 'win32', 'C:\\Windows\\system32\\cmd.exe')).toEqual({ file: 'C:\\Windows\\system32\\cmd.exe', ...cmd })
    expect(shellCommand('node -e "console.log(1)"', 'win32', 'CMD.EXE')).toEqual({ file: 'CMD.EXE', ...cmd })
    // unset, or another shell (its syntax is not cmd's): cmd.exe
    expect(shellCommand('node -e "console.log(1)"', 'win32', undefined)).toEqual({ file: 'cmd.exe', ...cmd })
    expect(shellCommand('node -e "console.log(1)"', 'win32', 'C:\\tools\\pwsh.exe')).toEqual({ file: 'cmd.exe', ...cmd })
  })

  it("bench's script: POSIX as before (times on stderr); Windows the command as it is, `exit 0` for the empty one, no times", () => {
    expect(benchScript('sleep 0.1 # nap', 'linux')).toEqual({
      script: '(sleep 0.1 # nap\n) >/dev/null 2>&1 </dev/null; __unperf_status=$?; times >&2; exit $__unperf_status',
      times: true,
    })
    expect(benchScript('echo (hi) && exit 3', 'win32')).toEqual({ script: 'echo (hi) && exit 3', times: false })
    expect(benchScript(EMPTY_COMMAND, 'win32')).toEqual({ script: 'exit 0', times: false })
  })

  it('the POSIX script and shell, run for real: the status kept, the output discarded, the times written', () => {
    const { script } = benchScript('echo out; echo err >&2; exit 3 # a comment', 'linux')
    const { file, args } = shellCommand(script, 'linux')
    const r = spawnSync(file, args, { encoding: 'utf8' })
    expect(r.status).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^\d+m[\d.]+s \d+m[\d.]+s\n\d+m[\d.]+s \d+m[\d.]+s\n$/)
  })
})
