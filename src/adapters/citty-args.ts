/**
 * unperf/citty's reading of a command tree and a command line as citty reads them: a definition
 * that may be a function or a promise, the command the arguments name (for its usage) and its
 * parent, the built-in `--help` / `--version` flags citty's runMain handles without running the
 * tree, and the root's name.
 */
import type { ArgsDef, CommandDef, CommandMeta } from 'citty'

type Command = CommandDef<ArgsDef>
/** A definition citty accepts as a value, a promise, or a function returning either. */
export type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>)

/** citty's runMain shows the help (`--help`/`-h` anywhere) or the version (`--version`/`-v` alone) without running the tree. */
export function builtinFlagGiven(args: string[]): boolean {
  return args.some(arg => arg === '--help' || arg === '-h') || (args.length === 1 && (args[0] === '--version' || args[0] === '-v'))
}

/** The root command's name, as perf.run() names its run: its meta's name, else 'main'. */
export async function rootName(cmd: Command): Promise<string> {
  const meta = await defValue(cmd.meta)
  return meta?.name || 'main'
}

/** A definition's value: a function's result, awaited (citty calls it the same way). */
export async function defValue<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? (value as () => T | Promise<T>)() : value
}

export async function builtinFlags(cmd: Command): Promise<{ help: string[]; version: string[] }> {
  const args = ((await defValue(cmd.args)) ?? {}) as ArgsDef
  const names = new Set<string>()
  const aliases = new Set<string>()
  for (const [name, def] of Object.entries(args)) {
    names.add(name)
    for (const alias of [(def as { alias?: string | string[] }).alias ?? []].flat()) aliases.add(alias)
  }
  const flags = (long: string, short: string) => {
    if (names.has(long) || aliases.has(long)) return []
    if (names.has(short) || aliases.has(short)) return [`--${long}`]
    return [`--${long}`, `-${short}`]
  }
  return { help: flags('help', 'h'), version: flags('version', 'v') }
}

/** The command the arguments name (for usage), and its parent; like citty's own. */
export async function resolveSubCommand(cmd: Command, rawArgs: string[], parent?: Command): Promise<[Command, Command?]> {
  const subs = (await defValue(cmd.subCommands)) as Record<string, Resolvable<Command>> | undefined
  if (subs && Object.keys(subs).length > 0) {
    const args = ((await defValue(cmd.args)) ?? {}) as ArgsDef
    const index = subCommandIndex(rawArgs, args)
    const name = rawArgs[index]
    if (name !== undefined) {
      let sub: Command | undefined
      if (name in subs) sub = await defValue(subs[name])
      else {
        for (const candidate of Object.values(subs)) {
          const resolved = await defValue(candidate)
          const meta = (await defValue(resolved?.meta)) as CommandMeta | undefined
          if (meta?.alias && [meta.alias].flat().includes(name)) { sub = resolved; break }
        }
      }
      if (sub) return resolveSubCommand(sub, rawArgs.slice(index + 1), cmd)
    }
  }
  return parent ? [cmd, parent] : [cmd]
}

function subCommandIndex(rawArgs: string[], args: ArgsDef): number {
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!
    if (arg === '--') return -1
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && isValueFlag(arg, args)) i++
      continue
    }
    return i
  }
  return -1
}

function isValueFlag(flag: string, args: ArgsDef): boolean {
  const name = flag.replace(/^-{1,2}/, '')
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
  for (const [key, def] of Object.entries(args)) {
    if (def.type !== 'string' && def.type !== 'enum') continue
    if (key === name || key === camel) return true
    if ([(def as { alias?: string | string[] }).alias ?? []].flat().includes(name)) return true
  }
  return false
}
