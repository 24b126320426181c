/**
 * The `unperf` command line before citty sees it: the command path found, every option placed
 * behind it (citty parses an option given before a subcommand's name, `unperf cache --json info`,
 * for the parent, which drops it), and options the command does not know refused (citty ignores
 * them: `unperf budget --strict` would run a check the user did not ask for and exit 0).
 */
import type { ArgsDef, CommandDef } from 'citty'

type Def = CommandDef<ArgsDef>
type Lazy = () => Promise<Def>

/** Options of every command that take a value: `--cwd X` before the command must not read X as a command name. */
const GLOBAL_VALUE_OPTIONS = new Set(['--cwd', '--env'])

export interface CommandLine {
  /** The args for citty: the command path, then every option and argument in their order. */
  args: string[]
  /** The command path found (`['cache', 'info']`). */
  path: string[]
  /** The deepest command found, and its parent. */
  cmd: Def
  parent: Def | undefined
  /** The first argument that is neither an option nor a command of `cmd`, when `cmd` has subcommands. */
  stray: string | undefined
}

async function subCommandsOf(cmd: Def): Promise<Record<string, unknown> | undefined> {
  const subs = cmd.subCommands
  return typeof subs === 'function' ? await (subs as () => Promise<Record<string, unknown>>)() : (subs as Record<string, unknown> | undefined)
}

/** `--name` of the options that take a value in the subcommands already loaded (`cache --namespace N list`). */
function valueOptionsOf(subs: Record<string, unknown>): string[] {
  const out: string[] = []
  for (const sub of Object.values(subs)) {
    const args = typeof sub === 'object' && sub !== null ? (sub as Def).args : undefined
    if (!args || typeof args === 'function') continue
    for (const [name, def] of Object.entries(args as ArgsDef)) if (def.type === 'string' || def.type === 'enum') out.push(`--${name}`)
  }
  return out
}

/** Finds the command path in argv (before a `--`) and moves the options met on the way behind it. */
export async function parseCommandLine(main: Def, argv: string[]): Promise<CommandLine> {
  let cmd = main
  let parent: Def | undefined
  const path: string[] = []
  const moved: string[] = []
  let i = 0
  let stray: string | undefined
  for (;;) {
    const subs = await subCommandsOf(cmd)
    if (!subs) break
    const valued = new Set([...GLOBAL_VALUE_OPTIONS, ...valueOptionsOf(subs)])
    while (i < argv.length && argv[i] !== '--' && argv[i]!.startsWith('-')) {
      const a = argv[i]!
      if (valued.has(a) && i + 1 < argv.length) { moved.push(a, argv[i + 1]!); i += 2 }
      else { moved.push(a); i++ }
    }
    const name = argv[i]
    if (name === undefined || name === '--' || !(name in subs)) { stray = name === '--' ? undefined : name; break }
    const next = subs[name]
    parent = cmd
    cmd = typeof next === 'function' ? await (next as Lazy)() : (next as Def)
    path.push(name)
    i++
  }
  return { args: [...path, ...moved, ...argv.slice(i)], path, cmd, parent, stray }
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
const kebab = (s: string) => s.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)

/**
 * The first option in `args` (the command's own, after its path, before a `--`) that `cmd` does not
 * define, as written; undefined when every one is known. A string option's value is skipped, so
 * `--prepare -x` is not read as an option.
 */
export async function unknownOption(cmd: Def, args: string[]): Promise<string | undefined> {
  const kinds = await optionKinds(cmd)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') return undefined
    if (!a.startsWith('-') || a === '-') continue
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = a.slice(2, eq === -1 ? undefined : eq)
      const kind = kinds.get(name) ?? (name.startsWith('no-') && eq === -1 && kinds.get(name.slice(3)) === 'boolean' ? 'boolean' : undefined)
      if (kind === undefined) return eq === -1 ? a : a.slice(0, eq)
      if (kind !== 'boolean' && eq === -1 && i + 1 < args.length && args[i + 1] !== '--') i++
      continue
    }
    // short options, possibly grouped (`-iv`); a string one takes the rest or the next arg as its value
    for (let j = 1; j < a.length; j++) {
      const kind = kinds.get(a[j]!)
      if (kind === undefined) return `-${a[j]}`
      if (kind !== 'boolean') {
        if (j === a.length - 1 && i + 1 < args.length && args[i + 1] !== '--') i++
        break
      }
    }
  }
  return undefined
}

/**
 * The first argument in `args` (after the command's path, before a `--`) that is neither an option,
 * an option's value nor one of the positionals `cmd` takes; undefined when there is none. A command
 * without positionals takes none (`unperf budget strict` ran the check, exit 0, the word ignored);
 * one whose positionals are all required takes that many (`cache get K`); an optional positional
 * takes every argument left (`bench`'s commands, `shard`'s globs: read from `_`).
 */
export async function unexpectedArgument(cmd: Def, args: string[]): Promise<string | undefined> {
  const defs = (typeof cmd.args === 'function' ? await (cmd.args as () => Promise<ArgsDef>)() : cmd.args) ?? {}
  const positionals = Object.values(defs).filter(d => d.type === 'positional')
  if (positionals.some(d => d.required !== true)) return undefined
  const kinds = await optionKinds(cmd)
  let seen = 0
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!
    if (a.startsWith('--')) {
      // a value option's value is the next argument unless given as `--name=value`
      const kind = kinds.get(a.slice(2))
      if (kind !== undefined && kind !== 'boolean' && i + 1 < args.length && args[i + 1] !== '--') i++
      continue
    }
    if (a.startsWith('-') && a !== '-') {
      const kind = kinds.get(a.slice(-1))
      if (kind !== undefined && kind !== 'boolean' && i + 1 < args.length && args[i + 1] !== '--') i++
      continue
    }
    if (++seen > positionals.length) return a
  }
  return undefined
}

/** Each spelling of each option `cmd` defines (name, camelCase, kebab-case, aliases) → its type. */
async function optionKinds(cmd: Def): Promise<Map<string, string>> {
  const defs = (typeof cmd.args === 'function' ? await (cmd.args as () => Promise<ArgsDef>)() : cmd.args) ?? {}
  const kinds = new Map<string, string>([['help', 'boolean'], ['h', 'boolean']])
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === 'positional') continue
    const type = def.type ?? 'boolean'
    const aliases = def.alias === undefined ? [] : Array.isArray(def.alias) ? def.alias : [def.alias]
    for (const n of [name, camel(name), kebab(name), ...aliases]) kinds.set(n, type)
  }
  return kinds
}

/**
 * The first option of `cmd` that takes a value (`--env`, `--cwd`, `--namespace`, ...) given without
 * one: last on the line, `--env=` or `--env ''`, or followed by another of the command's options
 * (`--env --json`), which citty would take as the value (an env named '--json', the output then
 * not JSON). A value that merely starts with '-' (`--prepare -x`) is a value. Undefined when none.
 */
export async function optionWithoutValue(cmd: Def, args: string[]): Promise<{ option: string; found: string | undefined } | undefined> {
  const kinds = await optionKinds(cmd)
  const isOption = (a: string) => a.startsWith('--') && optionKind(kinds, a.slice(2, a.includes('=') ? a.indexOf('=') : undefined)) !== undefined
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!
    if (!a.startsWith('--')) continue
    const eq = a.indexOf('=')
    const kind = kinds.get(a.slice(2, eq === -1 ? undefined : eq))
    if (kind === undefined || kind === 'boolean') continue
    if (eq !== -1) {
      if (eq === a.length - 1) return { option: a.slice(0, eq), found: '' }
      continue
    }
    const next = args[i + 1]
    // `--env ''` (an unset shell variable: `--env "$DEPLOY_ENV"`) is `--env=`: no value, not the default env
    if (next === undefined || next === '' || next === '--' || isOption(next)) return { option: a, found: next }
    i++
  }
  return undefined
}

/**
 * The first switch of `cmd` (`--yes`, `--json`, `--force`, ...) given a value, `--yes=no` say, as
 * written; undefined when none. citty (mri) read `--yes=no` and `--yes=0` as the string, which is
 * truthy: `cache clear --all --yes=no` cleared every namespace, `init --force=no` overwrote, and
 * `--json=no` printed JSON. A switch takes no value, as in clap (hyperfine): leave it out for no.
 */
export async function switchWithValue(cmd: Def, args: string[]): Promise<string | undefined> {
  const kinds = await optionKinds(cmd)
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!
    if (!a.startsWith('--')) continue
    const eq = a.indexOf('=')
    // a value option's value is the next argument (`--prepare --x=1` is a command's option)
    if (eq === -1) {
      const kind = kinds.get(a.slice(2))
      if (kind !== undefined && kind !== 'boolean') i++
      continue
    }
    if (optionKind(kinds, a.slice(2, eq)) === 'boolean') return a
  }
  return undefined
}

/** The kind of option `name` is (optionKinds), `--no-<switch>` a switch's: undefined for none of `cmd`'s. */
function optionKind(kinds: Map<string, string>, name: string): string | undefined {
  return kinds.get(name) ?? (name.startsWith('no-') && kinds.get(name.slice(3)) === 'boolean' ? 'boolean' : undefined)
}

/** The options `cmd` takes, for a message: `--runs, --warmup, ...`. */
export async function optionNames(cmd: Def): Promise<string> {
  const defs = (typeof cmd.args === 'function' ? await (cmd.args as () => Promise<ArgsDef>)() : cmd.args) ?? {}
  return Object.entries(defs).filter(([, d]) => d.type !== 'positional').map(([n]) => `--${n}`).join(', ')
}

/** What `cmd` takes besides options, for a message: `options only`, `one argument, <KEY>`. */
export async function positionalsText(cmd: Def): Promise<string> {
  const defs = (typeof cmd.args === 'function' ? await (cmd.args as () => Promise<ArgsDef>)() : cmd.args) ?? {}
  const names = Object.entries(defs).filter(([, d]) => d.type === 'positional').map(([n]) => `<${n.toUpperCase()}>`)
  if (names.length === 0) return 'options only'
  return `${names.length === 1 ? 'one argument' : `${names.length} arguments`}, ${names.join(' ')}`
}
