/**
 * unperf/commander's reading of the command line: a command's name and its arguments, whether
 * `--no-cache` is the host's flag, and the arguments parse() / parseAsync() will see.
 */
import type { Command } from 'commander'
import { hasNoCacheFlag } from './_shared.js'

export type ParseArgs = [argv?: readonly string[], parseOptions?: { from: 'node' | 'electron' | 'user' }]

/** `rootName`: the program's own action's name (its name as the host gave it, else 'main'). */
export function commandPath(cmd: Command, rootName: string): string {
  const names: string[] = []
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name())
  return names.length > 0 ? names.join(' ') : rootName
}

/**
 * The arguments after the command's path, as citty gives a subcommand (`cli -v cache clear --all`
 * → `['--all']` for 'cache clear'): each name of the path is looked for after the previous one.
 */
export function argsAfterPath(args: string[], cmd: Command): string[] {
  const levels: string[][] = []
  for (let c: Command | null = cmd; c?.parent; c = c.parent) levels.unshift([c.name(), ...c.aliases()])
  let at = -1
  for (const names of levels) {
    const i = args.findIndex((arg, j) => j > at && names.includes(arg))
    if (i === -1) break
    at = i
  }
  return args.slice(at + 1)
}

/**
 * Whether commander will take `--no-cache` among these arguments as an option of the host's (the
 * program's, unperf's or the host's own, or a subcommand's the host defined), known before it
 * parses them (perf, and whether its cache is on, comes first). A `--no-cache` no command takes
 * belongs to someone else and leaves the cache on: after `--`, after the subcommand's name with
 * `enablePositionalOptions()` (where a subcommand with `passThroughOptions()` or
 * `allowUnknownOption()` hands it to the tool it runs: `cli run node x --no-cache`), or the value
 * of an option (`--name --no-cache`). Each command's own `parseOptions()` answers, down the path of
 * subcommands, run on a stand-in whose option events are only counted: no value is set.
 */
export function parsesNoCache(program: Command, args: string[]): boolean {
  let noCache = false
  let rest = args
  try {
    // each command on the path parses what its parent left (a subcommand's own `--no-cache`, when
    // the host defines one, counts as the host's flag: then the program has none of unperf's)
    for (let cmd: Command | undefined = program; cmd;) {
      const probe = Object.create(cmd) as Command & { emit: (event: string) => boolean; optionMissingArgument: () => void }
      // a later `--cache` undoes it where it is the flag's positive (`--cache` / `--no-cache`), not
      // where it is an option of its own with a value (`--cache <dir>`)
      const positive = cmd.options.some(o => o.long === '--cache' && !o.required && !o.optional)
      probe.emit = (event: string) => {
        if (event === 'option:no-cache') noCache = true
        else if (event === 'option:cache' && positive) noCache = false
        return true
      }
      // the real parse reports it
      probe.optionMissingArgument = () => {}
      const { operands, unknown } = probe.parseOptions(rest)
      const name = operands[0]
      cmd = name === undefined ? undefined : cmd.commands.find(c => c.name() === name || c.aliases().includes(name))
      rest = [...operands.slice(1), ...unknown]
    }
  } catch {
    return hasNoCacheFlag(args)
  }
  return noCache
}

/**
 * The host defines the flag itself: the program's `--no-cache` or `--cache` (unperf's would pair with
 * it, changing the host's option), or a subcommand's `--no-cache` (the program's, taken anywhere,
 * would take it). A subcommand's `--cache <dir>` alone leaves nothing for the program's to take.
 */
export function definesCache(program: Command): boolean {
  const negates = (cmd: Command): boolean => cmd.options.some(o => o.long === '--no-cache') || cmd.commands.some(negates)
  return program.options.some(o => o.long === '--cache') || negates(program)
}

/** The user arguments parseAsync will see (for `--no-cache` before perf exists). */
export function argsOf([argv, parseOptions]: ParseArgs): string[] {
  if (!argv) return process.argv.slice(2)
  const from = parseOptions?.from ?? 'node'
  return from === 'user' ? [...argv] : argv.slice(from === 'electron' ? 1 : 2)
}
