/**
 * A citty host whose root args alias `-v` (`--verbose`) and `-h` (`--host`): citty then keeps only
 * `--version` and `--help` as its built-in flags (its _resolveBuiltinFlags), and unperf/citty must read
 * them as citty does: `-v` alone and `-h <name>` are the host's flags and run its command under perf;
 * `--help` and `--version` still show the usage and the version, exit 0 and close perf (one report,
 * `exit` fired once), with unperf's runMain and with citty's own.
 */
import { describe, expect, it } from 'vitest'
import { built, exitHooks, host } from './_host.js'

const FIXTURE = 'citty-short-flags.mjs'

for (const [label, env] of [['unperf/citty runMain', {}], ["citty's own runMain", { MODE: 'citty-runmain' }]] as const) {
  describe.skipIf(!built)(`a citty host with -v and -h of its own (${label})`, { timeout: 120_000 }, () => {
    it('-v alone is the host\'s --verbose: its command runs under perf, one report with the command', () => {
      const r = host(FIXTURE).run(['-v'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('root verbose=true host=undefined perf=open')
      expect(r.stdout).not.toContain('4.5.6')
      expect(r.history).toHaveLength(1)
      expect(r.report!.commands).toMatchObject([{ name: 'short', status: 'ok' }])
      expect(exitHooks(r)).toBe(1)
    })

    it('-h <name> is the host\'s --host, beside -v too (no usage): the command runs', () => {
      const h = host(FIXTURE)
      const r = h.run(['-h', 'example.org'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('root verbose=undefined host=example.org perf=open')
      expect(r.stdout).not.toMatch(/usage/i)
      expect(r.report!.commands).toMatchObject([{ name: 'short', status: 'ok' }])
      const alone = h.run(['-v', '-h', 'x'], env)
      expect(alone.code, alone.stderr).toBe(0)
      expect(alone.stdout).toContain('root verbose=true host=x perf=open')
      expect(alone.history).toHaveLength(2)
    })

    it('-v after a subcommand that takes it is the subcommand\'s', () => {
      const r = host(FIXTURE).run(['show', '-v'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('show verbose=true perf=open')
      // citty runs the root's run after a subcommand's (the fixture's prints nothing then)
      expect(r.report!.commands).toMatchObject([{ name: 'show', status: 'ok' }, { name: 'short', status: 'ok' }])
    })

    it('--help: the usage (listing -v, --verbose and -h, --host), exit 0, perf closed: one report, no command', () => {
      const r = host(FIXTURE).run(['--help'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/usage/i)
      expect(r.stdout).toMatch(/-v, --verbose/)
      expect(r.stdout).toMatch(/-h, --host/)
      expect(r.stdout).not.toContain('root verbose')
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.exitCode).toBe(0)
      expect(r.report!.commands).toEqual([])
      expect(exitHooks(r)).toBe(1)
    })

    it('--version: the version, exit 0, perf closed: one report, no command', () => {
      const r = host(FIXTURE).run(['--version'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout.trim()).toBe('4.5.6')
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.exitCode).toBe(0)
      expect(r.report!.commands).toEqual([])
      expect(exitHooks(r)).toBe(1)
    })

    it('a host aliasing -v only: -h is still citty\'s help, -v the host\'s flag', () => {
      const h = host(FIXTURE)
      const help = h.run(['-h'], { ...env, ALIASES: 'v' })
      expect(help.code, help.stderr).toBe(0)
      expect(help.stdout).toMatch(/usage/i)
      expect(help.report!.commands).toEqual([])
      expect(exitHooks(help)).toBe(1)
      const verbose = h.run(['-v'], { ...env, ALIASES: 'v' })
      expect(verbose.code, verbose.stderr).toBe(0)
      expect(verbose.stdout).toContain('root verbose=true')
      expect(verbose.history).toHaveLength(2)
    })
  })
}
