/**
 * unperf/commander's `--no-cache` in the help of the host's subcommands. commander lists a program
 * option in the program's help alone, yet takes it after a subcommand's name too (`cli cache clear
 * --no-cache`): each subcommand's help lists it where commander takes it there as the program's,
 * before `-h, --help`; not under `enablePositionalOptions()` (the subcommand, or the tool it runs,
 * gets it), and not again under the host's `showGlobalOptions` (commander's "Global Options").
 * Called from the program's 'beforeAllHelp' event, which commander emits on every ancestor of the
 * command whose help it prints: a run that prints no help never loads this (a deferred module).
 */
import type { Command, Help, Option } from 'commander'

const listed = new WeakSet<Command>()

/** `parsesNoCache`: commander-args.ts's (passed in: importing it here would share the start path's modules with this lazy one). */
export function listNoCacheInHelp(program: Command, command: Command, parsesNoCache: (program: Command, args: string[]) => boolean): void {
  const option = program.options.find(o => o.long === '--no-cache')
  if (command === program || !option || listed.has(command)) return
  listed.add(command)
  const words: string[] = []
  for (let c: Command | null = command; c && c !== program; c = c.parent) words.unshift(c.name())
  const config = command.configureHelp()
  const own = config.visibleOptions
  command.configureHelp({
    ...config,
    visibleOptions(this: Help, c: Command): Option[] {
      const list = (own ?? (Object.getPrototypeOf(this) as Help).visibleOptions).call(this, c)
      if (c !== command || this.showGlobalOptions || !parsesNoCache(program, [...words, '--no-cache'])) return list
      const at = list.findIndex(o => o.long === '--help')
      list.splice(at === -1 ? list.length : at, 0, option)
      return list
    },
  })
}
