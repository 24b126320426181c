/**
 * unperf/commander's `--no-cache` in the help of the host's subcommands. commander lists a program
 * option in the program's help alone, yet takes it after a subcommand's name too (`cli cache clear
 * --no-cache`): each subcommand's help lists it where commander takes it there as the program's,
 * before `-h, --help`; not under `enablePositionalOptions()` (the subcommand, or the tool it runs,
 * gets it), and not again under the host's `showGlobalOptions` (commander's "Global Options").
 * Help is made only when shown: the start pays one `configureHelp()` per command.
 */
import type { Command, Help, Option } from 'commander'
import { parsesNoCache } from './commander-args.js'

export function listNoCacheInHelp(program: Command): void {
  const option = program.options.find(o => o.long === '--no-cache')
  if (!option) return
  const walk = (cmd: Command, path: string[]): void => {
    for (const sub of cmd.commands) {
      const words = [...path, sub.name()]
      const config = sub.configureHelp()
      const own = config.visibleOptions
      sub.configureHelp({
        ...config,
        visibleOptions(this: Help, c: Command): Option[] {
          const list = (own ?? (Object.getPrototypeOf(this) as Help).visibleOptions).call(this, c)
          if (c !== sub || this.showGlobalOptions || !parsesNoCache(program, [...words, '--no-cache'])) return list
          const at = list.findIndex(o => o.long === '--help')
          list.splice(at === -1 ? list.length : at, 0, option)
          return list
        },
      })
      walk(sub, words)
    }
  }
  walk(program, [])
}
