/**
 * unperf/commander with a host that handles commander's errors itself: `exitOverride()`, and
 * parse() / parseAsync() in a try/catch that prints the error and exits with a code of its own. With
 * instrument(program) the host's catch never ran for parse(): the process exited 2 (an unknown
 * command) or 0 (--help) of unperf's own. Real child processes, compared with the same CLI without unperf.
 */
import { describe, expect, it } from 'vitest'
import { built, exitHooks, host } from './_host.js'

/** What commander's errors are: the host prints `host caught <code>` for each. */
const PARSE_ERRORS: Array<[args: string[], caught: string]> = [
  [['--help'], 'commander.helpDisplayed'],
  [['--version'], 'commander.version'],
  [['nope'], 'commander.unknownCommand'],
  [['need'], 'commander.missingArgument'],
]

describe.skipIf(!built)('unperf/commander: the host catches what parseAsync() throws', { timeout: 120_000 }, () => {
  it.each([...PARSE_ERRORS, [['fail'], 'boom from fail'], [['afail'], 'boom from afail']] as const)('%j: the host\'s catch runs, its exit code, one report with it', (args, caught) => {
    const h = host('commander-catch.mjs')
    const without = h.run([...args], { NO_UNPERF: '1' })
    expect(without.stdout).toContain(`host caught ${caught}`)
    expect(without.code).toBe(4)
    for (const exit of ['now', 'code']) {
      const r = h.run([...args], { EXIT: exit })
      expect(r.stdout, r.stderr).toContain(`host caught ${caught}`)
      expect(r.code, r.stderr).toBe(4)
      expect(r.history.at(-1)!.exitCode).toBe(4)
      expect(exitHooks(r)).toBe(1)
    }
    expect(h.run([...args], {}).history).toHaveLength(3)
  })
})

describe.skipIf(!built)('unperf/commander: the host catches what parse() throws', { timeout: 120_000 }, () => {
  // commander parses within parse(), as without unperf: its errors are thrown from parse() to the
  // host's catch; the action runs once perf exists
  it.each(PARSE_ERRORS)('%j: thrown from parse() to the host\'s catch; exit code, report and exit hook its own', (args, caught) => {
    const h = host('commander-catch.mjs')
    // what commander printed before the host's line (the help lists unperf's --no-cache too)
    const printed = (out: string) => out.slice(0, out.indexOf('host caught')).replace(/ +--no-cache .*\n/, '')
    // EXIT=code: the host sets process.exitCode and the process ends when its work does (perf's
    // start and close included): the run is recorded with the host's code
    const without = h.run(args, { NO_UNPERF: '1', PARSE: 'sync', EXIT: 'code' })
    expect(without.stdout).toMatch(new RegExp(`host caught ${caught}\nafter parse\n$`))
    expect(without.code).toBe(4)
    const r = h.run(args, { PARSE: 'sync', EXIT: 'code' })
    expect(r.stdout, r.stderr).toMatch(new RegExp(`host caught ${caught}\nafter parse\n$`))
    expect(printed(r.stdout)).toBe(printed(without.stdout))
    expect(r.code, r.stderr).toBe(4)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(4)
    expect(exitHooks(r)).toBe(1)
    // the host's process.exit() in its catch, before perf exists: the same control flow and exit
    // code as without unperf (no report: the process ended before perf's config was read)
    const now = h.run(args, { PARSE: 'sync' })
    expect(now.stdout, now.stderr).toMatch(new RegExp(`host caught ${caught}\n$`))
    expect(printed(now.stdout)).toBe(printed(without.stdout))
    expect(now.code).toBe(4)
    expect(now.stderr).toBe(h.run(args, { NO_UNPERF: '1', PARSE: 'sync' }).stderr)
  })

  it('an action still runs inside perf.run(), after parse() returned', () => {
    const r = host('commander-catch.mjs').run(['ok'], { PARSE: 'sync' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('after parse\nok ran\n')
    expect(r.report!.commands).toMatchObject([{ name: 'ok', status: 'ok' }])
    expect(r.history[0]!.exitCode).toBe(0)
    expect(exitHooks(r)).toBe(1)
  })

  // the action runs after parse() returned (perf is created asynchronously), so what it throws
  // cannot reach a catch around parse(): as an async action's error under commander's own parse(),
  // it is an unhandled rejection (exit 1), recorded; parseAsync() hands it to the host's catch
  it.each([['fail'], ['afail']])('%s: an action\'s error under parse() ends the process as an async action\'s does', (command) => {
    const h = host('commander-catch.mjs')
    const r = h.run([command], { PARSE: 'sync', EXIT: 'code' })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toBe('after parse\n')
    expect(r.stderr).toContain(`Error: boom from ${command}`)
    expect(r.report!.commands).toMatchObject([{ name: command, status: 'error' }])
    expect(r.history[0]!.exitCode).toBe(1)
    expect(exitHooks(r)).toBe(1)
    expect(h.run([command], { PARSE: 'sync', EXIT: 'code', NO_UNPERF: '1' }).stdout).toBe(command === 'afail' ? 'after parse\n' : `host caught boom from fail\nafter parse\n`)
  })

  // exitOverride(fn) whose fn throws an error of the host's in commander's place: that error is the one its catch gets
  it.each([['sync'], ['async']])('parse %s: the error the host\'s callback throws reaches its catch', (parse) => {
    const r = host('commander-catch.mjs').run(['nope'], { PARSE: parse, EXIT: 'code', HOST_ERROR: '1' })
    expect(r.stdout, r.stderr).toContain('host caught host.commander.unknownCommand')
    expect(r.code, r.stderr).toBe(4)
    expect(r.history[0]!.exitCode).toBe(4)
    expect(exitHooks(r)).toBe(1)
  })
})
