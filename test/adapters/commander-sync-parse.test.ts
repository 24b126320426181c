/**
 * unperf/commander with `program.parse()`, commander's own README style: the options and arguments
 * are read from the program right after parse() returns (`program.opts()`, `program.args`), no
 * await. parse() was routed to parseAsync() once perf existed: they were still the defaults then
 * (`--debug` not set, the separator ',' where the command line said '/'), silently. commander now
 * parses within parse(), as without unperf; the action still runs once perf exists.
 */
import { describe, expect, it } from 'vitest'
import { built, exitHooks, host } from './_host.js'

describe.skipIf(!built)('unperf/commander: parse() parses before it returns', { timeout: 120_000 }, () => {
  it("a program's options and arguments read right after parse(): as without unperf, one report", () => {
    const h = host('commander-sync-parse.mjs')
    const args = ['-d', '-s', '/', 'a.txt', 'b.txt']
    expect(h.run(args, { NO_UNPERF: '1' }).stdout).toBe('after parse {"separator":"/","debug":true} ["a.txt","b.txt"]\n')
    const r = h.run(args)
    expect(r.code, r.stderr).toBe(0)
    // (unperf's --no-cache adds `cache` to the program's options: documented)
    expect(r.stdout).toBe('after parse {"separator":"/","cache":true,"debug":true} ["a.txt","b.txt"]\n')
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(0)
    expect(exitHooks(r)).toBe(1)
  })

  // the host's hooks added before instrument() (where commands and their hooks are defined) ran
  // first, before perf existed under parse() (getPerf() threw), and outside the command's run
  it.each([['before'], ['after']])("a subcommand's options are set when parse() returns; its action, and the host's hooks added %s instrument(), run in perf.run() after", (hook) => {
    const r = host('commander-sync-parse.mjs').run(['build', 'src/x.ts', '-o', 'out.js', '--no-cache'], { SUB: '1', HOOK: hook })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe([
      'after parse {"separator":",","cache":false} ["build","src/x.ts","-o","out.js"] {"out":"out.js"} ["src/x.ts"]',
      'preAction perf-open=true',
      'build src/x.ts {"out":"out.js"} perf-open=true',
      'postAction perf-open=true',
      '',
    ].join('\n'))
    expect(r.report!.commands).toMatchObject([{ name: 'build', status: 'ok' }])
    expect(exitHooks(r)).toBe(1)
  })
})
