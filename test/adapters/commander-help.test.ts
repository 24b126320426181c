/**
 * unperf/commander's `--no-cache` in the host's help: commander lists a program option in the
 * program's help only, so `cli cache clear --help` did not show the flag that command takes (the
 * adapters' docs: every command's `--help` lists `--no-cache`). It is listed in a subcommand's help
 * exactly where commander takes it as the program's option after that subcommand's name: not under
 * `enablePositionalOptions()`, where it would go to the subcommand (or the tool it runs), and once
 * under the host's own `showGlobalOptions` (commander's "Global Options").
 */
import { describe, expect, it } from 'vitest'
import { built, host } from './_host.js'

const LINE = /--no-cache\s+skip the cache for this run \(unperf\)/g
const count = (text: string) => text.match(LINE)?.length ?? 0

describe.skipIf(!built)('--no-cache in a commander host\'s help', { timeout: 120_000 }, () => {
  it('the program, a subcommand, a nested one and `help <command>` list it once', () => {
    const h = host('commander-cli.mjs')
    for (const args of [['--help'], ['ok', '--help'], ['cache', '--help'], ['cache', 'clear', '--help'], ['help', 'cache'], ['need', '--help']]) {
      const r = h.run(args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect(count(r.stdout), `${args.join(' ')}:\n${r.stdout}`).toBe(1)
    }
    // the subcommand's own options and the help option keep their places: --no-cache goes before --help
    const r = h.run(['cache', 'clear', '--help'])
    expect(r.stdout).toMatch(/--all\n\s+--no-cache\s+skip the cache for this run \(unperf\)\n\s+-h, --help/)
    // and it does what the help says there
    expect(h.run(['cache', 'clear', '--no-cache']).code).toBe(0)
  })

  it('not in a subcommand\'s help where the subcommand, not the program, takes it (enablePositionalOptions)', () => {
    const h = host('commander-passthrough.mjs')
    expect(count(h.run(['--help']).stdout)).toBe(1)
    for (const args of [['run', '--help'], ['exec', '--help']]) expect(count(h.run(args).stdout), args.join(' ')).toBe(0)
    // commander's default (options taken anywhere): listed
    expect(count(h.run(['exec', '--help'], { POSITIONAL: '0' }).stdout)).toBe(1)
  })

  it('a command with a --no-cache of its own keeps its line alone', () => {
    const h = host('commander-passthrough.mjs')
    const r = h.run(['build', '--help'], { OWN_FLAG: '1' })
    expect(r.stdout).toContain('build without the layer cache')
    expect(count(r.stdout)).toBe(0)
  })
})
