/**
 * unperf/commander: the exit codes a commander host decides itself, kept and recorded as commander
 * alone would exit.
 */
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { built, exitHooks, host } from './_host.js'

describe.skipIf(!built)('unperf/commander: program.error() in an action', { timeout: 120_000 }, () => {
  // commander prints the message and exits with the host's exitCode, whatever the error's code
  it.each([[{}], [{ MODE: 'sync' }]])('%j: its message alone, its exit code, recorded, one report', (env) => {
    const r = host('commander-cli.mjs').run(['refuse'], env)
    expect(r.code, r.stderr).toBe(9)
    expect(r.stderr).toContain('refusing: not a repository')
    expect(r.stderr).not.toMatch(/CommanderError:|\bat \S/)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(9)
    expect(r.report!.commands).toMatchObject([{ name: 'refuse', status: 'error' }])
    expect(exitHooks(r)).toBe(1)
  })
})

describe.skipIf(!built)("unperf/commander: the host's exitOverride() with parse()", { timeout: 120_000 }, () => {
  // commander parses within parse(), as without unperf: its errors reach the host's catch around
  // parse(), and the process exits with the code the host chose (here commander's error.exitCode:
  // 1 for an unknown command, not unperf's 2), recorded, with one report
  it.each([
    [['--help'], 'commander.helpDisplayed', 0],
    [['--version'], 'commander.version', 0],
    [['nope'], 'commander.unknownCommand', 1],
  ])('%j: the host catches %s, exit %i, recorded, one report', (args, caught, code) => {
    const r = host('commander-cli.mjs').run(args, { MODE: 'sync-override' })
    expect(r.stdout).toContain(`host caught ${caught}`)
    expect(r.stderr).not.toMatch(/CommanderError|\bat \S/)
    expect(r.code, r.stderr).toBe(code)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(code)
    expect(exitHooks(r)).toBe(1)
  })
})

describe.skipIf(!built)("unperf/commander: the program's own action", { timeout: 120_000 }, () => {
  // commander names an unnamed program after the script it was started as: the runs of one command
  // were 'cli', 'acme' or 'program' by how the CLI was started, each its own budgets and history
  it('unnamed: "main" however the CLI is started; named: its name', () => {
    const h = host('commander-root.mjs')
    symlinkSync('cli.mjs', join(h.dir, 'bin', 'acme.mjs'))
    const names = [h.run(['a']), h.run(['a'], {}, 'acme.mjs'), h.run(['a'], { FROM_USER: '1' })].map((r) => {
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('root a')
      return r.report!.commands.map(c => c.name)
    })
    expect(names).toEqual([['main'], ['main'], ['main']])
    expect(h.run(['a'], { NAME: 'acme' }).report!.commands.map(c => c.name)).toEqual(['acme'])
  })
})

describe.skipIf(!built)("unperf/commander: an action that shows its command's help (commander's help(): exit 0)", { timeout: 120_000 }, () => {
  // the run ends as commander ends it, exit 0: the command was recorded as an error ('(outputHelp)')
  // and command:error fired for it, where a command ending with process.exit(0) is ok
  it.each([[{}], [{ MODE: 'sync' }]])('%j: the help, exit 0, the command ok, no command:error', (env) => {
    const r = host('commander-cli.mjs').run(['group'], env)
    expect(r.stdout).toContain('Usage: host group [options] [command]')
    expect(r.stderr).not.toContain('[error group')
    expect(r.stderr).toContain('[after group ok]')
    expect(r.report!.commands).toMatchObject([{ name: 'group', status: 'ok' }])
    expect(r.history).toHaveLength(1)
    expect(exitHooks(r)).toBe(1)
    expect(r.code, r.stderr).toBe(0)
    expect(r.history[0]!.exitCode).toBe(0)
  })
})
