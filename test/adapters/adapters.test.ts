import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { ADAPTER_HOSTS, built, exitHooks, host } from './_host.js'

for (const [label, fixture, env] of ADAPTER_HOSTS) {
  describe.skipIf(!built)(label, { timeout: 120_000 }, () => {
    const isCommander = fixture.startsWith('commander')

    it('success: the command runs, its path is its name, one report', () => {
      const h = host(fixture)
      const r = h.run(['cache', 'clear'], env)
      expect(r.stderr).not.toMatch(/Error/)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('cleared')
      expect(r.history).toHaveLength(1)
      expect(r.report!.commands.map(c => c.name)).toEqual(['cache clear'])
      expect(r.report!.commands[0]!.status).toBe('ok')
      // the code it exits with, 0 (citty's own runMain too, which decides after perf is closed)
      expect((r.report as { exitCode?: number }).exitCode).toBe(0)
      expect(r.history[0]!.exitCode).toBe(0)
      expect(exitHooks(r)).toBe(1)
      // a second run appends exactly one more line
      expect(h.run(['ok'], env).history).toHaveLength(2)
    })

    it("the command's context holds the arguments after its path, in both adapters", () => {
      const r = host(fixture).run(['cache', 'clear', '--all'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('argv=["--all"]')
    })

    it('--no-cache switches the cache off for this run only', () => {
      const h = host(fixture)
      expect(h.run(['ok', '--no-cache'], env).stdout).toContain('ok-ran cache=false before=ok')
      expect(h.run(['ok'], env).stdout).toContain('ok-ran cache=true')
    })

    it('a thrown error: printed by the framework, non-zero exit, recorded as an error, one report', () => {
      const r = host(fixture).run(['fail'], env)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('boom from fail')
      expect(r.history).toHaveLength(1)
      // the action's own error, not a crash at exit (an async command:before runs first)
      expect(r.report!.commands).toMatchObject([{ name: 'fail', status: 'error', error: { message: 'boom from fail' } }])
      expect(r.stderr).toContain('[after fail error]')
      expect(exitHooks(r)).toBe(1)
      // the code the process exits with, 1, on every path: citty's own runMain exits after the
      // tree's cleanup closed perf, commander's parseAsync() rethrows and node ends with it
      expect((r.report as { exitCode?: number }).exitCode).toBe(r.code)
      expect(r.history[0]!.exitCode).toBe(r.code)
    })

    it('a process.exit(5) from a timer after the command returned: 5 recorded, the command ok, one line', () => {
      const h = host(fixture)
      h.run(['ok'], env)
      const r = h.run(['late'], env)
      expect(r.code, r.stderr).toBe(5)
      expect(r.stdout).toContain('late armed')
      expect(r.history).toHaveLength(2)
      expect(r.history.map(e => e.exitCode)).toEqual([0, 5])
      expect(r.report!.commands).toMatchObject([{ name: 'late', status: 'ok' }])
      expect((r.report as { exitCode?: number }).exitCode).toBe(5)
      expect(exitHooks(r)).toBe(1)
    })

    it('process.exit() inside a command: its exit code, the command recorded, command:after and exit once', () => {
      const h = host(fixture)
      const r = h.run(['quit'], { ...env, EXIT_CODE: '3' })
      expect(r.code, r.stderr).toBe(3)
      expect(r.history).toHaveLength(1)
      expect(r.history[0]).toMatchObject({ exitCode: 3, commands: [{ name: 'quit', status: 'error' }] })
      expect(r.report!.commands).toMatchObject([{ name: 'quit', status: 'error', error: { name: 'ExitError' } }])
      expect(r.stderr).toContain('[error quit ExitError]\n[after quit error]')
      expect(r.stderr).toContain('[exit-hook 1]')
      expect(exitHooks(r)).toBe(1)
      // process.exit(0) at the end of a command (common in CLIs) is a successful run
      const ok = h.run(['quit'], { ...env, EXIT_CODE: '0' })
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.history).toHaveLength(2)
      expect(ok.report!.commands).toMatchObject([{ name: 'quit', status: 'ok' }])
      expect(ok.stderr).not.toContain('[error quit')
      expect(exitHooks(ok)).toBe(1)
    })

    it('a fatal uncaught error inside a command: exit 1, the command recorded with that error, exit once', () => {
      const r = host(fixture).run(['crash'], env)
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('crash from a timer')
      expect(r.history).toHaveLength(1)
      expect(r.report!.commands).toMatchObject([{ name: 'crash', status: 'error', error: { name: 'TypeError', message: 'crash from a timer' } }])
      expect(r.history[0]).toMatchObject({ commands: [{ name: 'crash', status: 'error', error: { name: 'TypeError', message: 'crash from a timer' } }] })
      expect(r.stderr).toContain('[error crash TypeError]\n[after crash error]')
      expect(exitHooks(r)).toBe(1)
    })

    it('an unhandled rejection inside a command: exit 1, the command recorded with its reason, exit once', () => {
      const r = host(fixture).run(['reject'], env)
      expect(r.code).toBe(1)
      expect(r.history).toHaveLength(1)
      expect(r.report!.commands).toMatchObject([{ name: 'reject', status: 'error', error: { name: 'RangeError', message: 'a rejection nobody handles' } }])
      expect(r.stderr).toContain('[error reject RangeError]\n[after reject error]')
      expect(exitHooks(r)).toBe(1)
    })

    it('--help: usage, exit 0, one report', () => {
      const r = host(fixture).run(['--help'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout + r.stderr).toMatch(/usage/i)
      expect(r.stdout + r.stderr).toMatch(/no-cache/)
      expect(r.history).toHaveLength(1)
      // the code it exits with, 0, as for a success (citty's own runMain: its process.exit(0))
      expect(r.history[0]!.exitCode).toBe(0)
      expect(exitHooks(r)).toBe(1)
    })

    it('a missing argument: an error message, exit 2 (bad usage), one report, no command run', () => {
      const r = host(fixture).run(['need'], env)
      expect(r.code, r.stderr).toBe(usageCode)
      expect(r.stderr).toMatch(/missing required/i)
      expect(r.history).toHaveLength(1)
      expect(r.report!.commands).toEqual([])
      expect(exitHooks(r)).toBe(1)
    })

    it('a bad perf config: its problems on stderr, exit 2 (bad config), no stack into the bundle', () => {
      // citty's own runMain too (it printed the error's stack and exited 1)
      const r = host(fixture, { budgets: { mode: 'panic' } }).run(['ok'], env)
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain("budgets.mode: expected one of 'warn', 'error', got 'panic'")
      expect(r.stdout).not.toContain('ok-ran')
      expect(r.stderr).not.toMatch(/\bat \S|dist\//)
    })

    it("a budget breach in 'error' mode: exit 1, also on --help (which exits 0 otherwise)", () => {
      const h = host(fixture, { budgets: { mode: 'error', memory: '1kB' } })
      for (const args of [['ok'], ['--help']]) {
        const r = h.run(args, env)
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1)
        expect(r.report!.budgets).toMatchObject([{ budget: 'budgets.memory', status: 'fail' }])
      }
    })

    it('--version: the version, exit 0, one report', () => {
      const r = host(fixture).run(['--version'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout.trim()).toBe('3.2.1')
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.exitCode).toBe(0)
      expect(exitHooks(r)).toBe(1)
    })

    it("report.console 'summary': printed after a command, not below --version or --help (no command ran)", () => {
      const h = host(fixture, { report: { dir: join(tempDir('unperf-adapters-reports-'), 'r'), console: 'summary' } })
      for (const args of [['--version'], ['--help']]) {
        const r = h.run(args, env)
        expect(r.code, r.stderr).toBe(0)
        expect(r.stderr, args.join(' ')).not.toContain('unperf · adapter-host')
      }
      const r = h.run(['cache', 'clear'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain('unperf · adapter-host@3.2.1')
      expect(r.stderr).toMatch(/commands\n\s+cache clear/)
    })

    // bad usage exits 2 (API.md); citty's own runMain exits 1 and cannot be changed from the tree
    const usageCode = 'MODE' in env && env.MODE === 'citty-runmain' ? 1 : 2

    it('an unknown command: an error message, exit 2 (bad usage), one report', () => {
      const r = host(fixture).run(['nope'], env)
      expect(r.code, r.stderr).toBe(usageCode)
      expect(r.stderr).toMatch(isCommander ? /unknown command 'nope'/ : /Unknown command nope/)
      expect(r.history).toHaveLength(1)
      // the report and the history line record the code the run exited with (citty's own runMain
      // exits after the tree's cleanup closed perf: the exit listener records it)
      expect((r.report as { exitCode?: number }).exitCode).toBe(usageCode)
      expect(r.history[0]!.exitCode).toBe(usageCode)
      expect(exitHooks(r)).toBe(1)
    })
  })
}

describe.skipIf(!built)('unperf/citty: one tree run several times in one process', { timeout: 120_000 }, () => {
  it('runMain() and runCommand() again: a fresh instance and one report per run', () => {
    const r = host('citty-cli.mjs').run([], { MODE: 'twice' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.history.map(h => (h.commands as Array<{ name: string }>).map(c => c.name))).toEqual([['ok'], ['cache clear'], ['ok']])
    expect(exitHooks(r)).toBe(3)
  })
})

describe.skipIf(!built)('unperf/commander with an executable subcommand', { timeout: 120_000 }, () => {
  it("the process exits with the subcommand's exit code, one report", () => {
    const h = host('commander-cli.mjs')
    writeFileSync(join(h.dir, 'bin', 'ext.mjs'), `console.log('ext ran'); process.exit(Number(process.env.EXIT_CODE))\n`)
    for (const code of [0, 7]) {
      const r = h.run(['ext'], { EXIT_CODE: String(code) })
      expect(r.stdout).toContain('ext ran')
      expect(r.code, r.stderr).toBe(code)
    }
    expect(h.run(['--version']).history).toHaveLength(3)
  })
})

describe.skipIf(!built)('unperf/commander with the host\'s own exitOverride', { timeout: 120_000 }, () => {
  it('the CommanderError reaches the host after the report is written', () => {
    const r = host('commander-cli.mjs').run(['nope'], { MODE: 'host-override' })
    expect(r.stdout).toContain('host caught commander.unknownCommand')
    expect(r.code).toBe(7)
    expect(r.history).toHaveLength(1)
  })
})

describe.skipIf(!built)('unperf/commander: one program parsed several times in one process', { timeout: 120_000 }, () => {
  it("a run's error that reaches the host records no exit code of an earlier run's success (the host decides)", () => {
    const r = host('commander-cli.mjs').run([], { MODE: 'twice' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('host caught commander.unknownCommand')
    expect(r.history.map(h => h.exitCode)).toEqual([0, undefined, 0])
  })
})

describe.skipIf(!built)('unperf/commander with a host exitOverride callback that does not throw', { timeout: 120_000 }, () => {
  // commander calls the callback, then process.exit(): the instrumented program does the same,
  // after the report is written (a usage error exits 2, as without an override)
  it.each([
    [['nope'], 'commander.unknownCommand 1', 2],
    [['--bogus'], 'commander.unknownOption 1', 2],
    [['--help'], 'commander.helpDisplayed 0', 0],
    [['--version'], 'commander.version 0', 0],
  ])('%j: the callback runs, then the process exits %s → %i, one report', (args, called, code) => {
    const r = host('commander-cli.mjs').run(args, { MODE: 'host-callback' })
    expect(r.stdout).toContain(`host callback ${called}`)
    expect(r.stderr).not.toMatch(/CommanderError|\bat \S/)
    expect(r.code, r.stderr).toBe(code)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(code)
    expect(exitHooks(r)).toBe(1)
  })

  it('a subcommand defined before exitOverride() has no callback (commander copies it at creation): it exits as without one', () => {
    const r = host('commander-cli.mjs').run(['need'], { MODE: 'host-callback' })
    expect(r.stdout).not.toContain('host callback')
    expect(r.stderr).toMatch(/missing required/i)
    expect(r.code, r.stderr).toBe(2)
    expect(r.history).toHaveLength(1)
  })

  it('commands run as usual; a thrown error still reaches the host', () => {
    const h = host('commander-cli.mjs')
    const ok = h.run(['ok'], { MODE: 'host-callback' })
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('ok-ran')
    expect(ok.stdout).not.toContain('host callback')
    const fail = h.run(['fail'], { MODE: 'host-callback' })
    expect(fail.code).toBe(1)
    expect(fail.stderr).toContain('boom from fail')
    expect(fail.report!.commands).toMatchObject([{ name: 'fail', status: 'error', error: { message: 'boom from fail' } }])
    expect(h.run(['ok'], { MODE: 'host-callback' }).history).toHaveLength(3)
  })
})

describe.skipIf(!built)('unperf/commander with parse() instead of parseAsync()', { timeout: 120_000 }, () => {
  it('the code the process exits with is the one recorded: 0 for a success or --help, 1 for a thrown error', () => {
    const h = host('commander-cli.mjs')
    for (const [args, code] of [[['ok'], 0], [['--help'], 0], [['fail'], 1], [['nope'], 2]] as const) {
      const r = h.run([...args], { MODE: 'sync' })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code)
      expect(r.history.at(-1)!.exitCode, args.join(' ')).toBe(code)
    }
    expect(h.run(['fail'], { MODE: 'sync' }).stderr).toContain('boom from fail')
  })

  it("an action's error is printed by node, as under commander's own parse() (the source line, node's version), exit 1", () => {
    // it was console.error()'d: the stack alone, unlike the same CLI without unperf
    const r = host('commander-cli.mjs').run(['fail'], { MODE: 'sync' })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/^file:\/\/\S+cli\.mjs:\d+\n.*throw new Error\('boom from fail'\)/m)
    expect(r.stderr).toMatch(/^Node\.js v\d+/m)
    expect(r.history.map(e => e.exitCode)).toEqual([1])
    expect(r.report!.commands).toMatchObject([{ name: 'fail', status: 'error', error: { message: 'boom from fail' } }])
  })
})
