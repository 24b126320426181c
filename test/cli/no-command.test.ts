/**
 * `unperf` with no arguments printed the usage on stdout and exited 0, while `unperf --json` (no
 * command either) and `unperf cache` (a group without its command) exited 2: a script running
 * `unperf $CMD` with CMD unset passed. The contract (API.md) makes bad usage exit 2, as clap-based
 * CLIs (hyperfine) do and citty's runMain fails; `unperf --help` is how to ask for the usage. Every
 * usage error now leaves stdout empty (the usage goes to stderr with the message), as the --json
 * path already did. The real CLI as a child process.
 */
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf without a command', () => {
  it('no arguments: the usage and "no command given" on stderr, nothing on stdout, exit 2', () => {
    const r = unperf(tempDir('unperf-nocmd-'))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('USAGE unperf init|config|cache')
    expect(r.stderr.trim().split('\n').at(-1)).toBe('[unperf] unperf: no command given (commands: init, config, cache, budget, bench, report, monitor, profile, shard, tests, doctor)')
  })

  it('the same as `unperf --json` and `unperf --cwd DIR` (no command either) and `unperf cache` (a group without its command)', () => {
    const dir = tempDir('unperf-nocmd-')
    for (const args of [['--cwd', dir], ['cache'], ['frobnicate'], ['cache', 'info', '--bogus']]) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout, args.join(' ')).toBe('')
      expect(r.stderr, args.join(' ')).toContain('USAGE')
    }
    const json = unperf(dir, '--json')
    expect(json.code).toBe(2)
    expect(json.json().error).toMatchObject({ name: 'UsageError', code: 'E_NO_COMMAND' })
  })

  it('--help and -h ask for it: on stdout, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = unperf(tempDir('unperf-nocmd-'), flag)
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('USAGE unperf init|config|cache')
      expect(r.stderr).toBe('')
    }
  })

  it('--version beside a global option (`unperf --version --cwd .`) prints the version (it was "no command given", exit 2)', () => {
    const dir = tempDir('unperf-nocmd-')
    const r = unperf(dir, '--version', '--cwd', dir)
    expect([r.code, r.stderr]).toEqual([0, ''])
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('`unperf help [command...]` is `unperf [command...] --help` (it was an unknown command, exit 2)', () => {
    const dir = tempDir('unperf-nocmd-')
    const top = unperf(dir, 'help')
    expect([top.code, top.stderr]).toEqual([0, ''])
    expect(top.stdout).toContain('USAGE unperf init|config|cache')
    const clear = unperf(dir, 'help', 'cache', 'clear')
    expect(clear.code).toBe(0)
    expect(clear.stdout).toContain('USAGE unperf cache clear [OPTIONS]')
  })
})
