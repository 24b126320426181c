/**
 * unperf/citty: `withPerf(main)` wraps a citty command tree (lazy subcommands included) so each
 * command runs through `perf.run(path)`, startup is timed and `--no-cache` works; `runMain(main)`
 * is citty's runMain that closes perf before it exits (success, error, --help, --version,
 * unknown command). With citty's own runMain the wrapped tree still closes perf on success and
 * errors (root `cleanup`), and the exit handler writes the report on citty's `process.exit()`.
 */
import type { ArgsDef, CommandDef } from 'citty'
import type { Perf } from '../runtime/types.js'
import { closePerf, exitOnConfigError, hasNoCacheFlag, isCommandLine, startPerf, type PerfAdapterOptions } from './_shared.js'
import { useColor } from '../runtime/color.js'
import { builtinFlagGiven, builtinFlags, defValue, resolveSubCommand, rootName, type Resolvable } from './citty-args.js'

export type { PerfAdapterOptions } from './_shared.js'
/** The run's perf instance inside a command, as `unperf` exports it: one import for a host that needs both (a second package import costs a resolution and an ES module at start). */
export { getPerf, tryGetPerf } from '../runtime/current.js'

/**
 * A citty command, as the host's `defineCommand()` makes it. Typed by its shape, not as citty's
 * `CommandDef`: unperf depends on citty 0.2 for its own CLI, so a host on citty 0.1 has a second
 * copy installed, and one copy's `CommandDef` is not assignable to the other's (TS2345 on
 * `withPerf(main)` and on citty's `runMain(withPerf(main))`), while both versions' trees run alike.
 */
export interface CittyCommand {
  meta?: object | undefined
  args?: object | undefined
  subCommands?: object | undefined
  setup?: ((context: never) => unknown) | undefined
  cleanup?: ((context: never) => unknown) | undefined
  run?: ((context: never) => unknown) | undefined
}

/** Options of {@link runMain}: citty's (`rawArgs`, `showUsage`) plus the adapter's. */
export interface PerfRunMainOptions extends PerfAdapterOptions {
  /** The arguments to run the tree with. @default process.argv.slice(2) */
  rawArgs?: string[] | undefined
  /** Prints a command's usage (`--help`, bad usage), as citty's option. @default citty's, plain off a terminal */
  showUsage?(cmd: CittyCommand, parent?: CittyCommand): Promise<void>
}

const SESSION = Symbol.for('unperf.citty.session')

interface Session {
  options: PerfAdapterOptions
  rawArgs: string[] | undefined
  perf: Perf | undefined
  ensure(): Promise<Perf>
  /**
   * `expected`: the code the run ends with when the host sets none (recorded by close); `args`: the
   * run's arguments (the process's own: its exit code is the run's).
   */
  close(expected: number | undefined, args: readonly string[]): Promise<void>
  /** A new run of the same tree (runMain called again in one process): a new perf instance. */
  restart(): void
  /** unperf's runMain is running the tree: it closes perf itself, once it knows the exit code. */
  runMainCloses: boolean
  /** A command's setup, run or cleanup of this run threw. */
  failed: boolean
  /** A command of this run ran to its end (without it, the run failed in citty, an unknown command, or ran nothing). */
  succeeded: boolean
  /** Runs of the tree in progress: 1 for the run, more while a command runs the tree again. */
  depth: number
}

type AnyCommand = CommandDef<ArgsDef> & { [SESSION]?: Session }

/** citty's CLIError codes for bad usage (its others are the CLI author's mistakes): an array literal of constants, not a Set made at every start. */
const USAGE_ERRORS: readonly string[] = ['E_UNKNOWN_COMMAND', 'E_NO_COMMAND', 'EARG']
const NO_BUILTIN_FLAGS = { help: [] as string[], version: [] as string[] }

/**
 * The `--no-cache` flag, defined under its negative name: citty 0.2 lists a boolean arg
 * `cache` (`default: true`) as `--cache  Use the cache (Default: true)` *and* `--no-cache`, one
 * line of clutter in every command's help, and it has no way to hide the positive one. It lists an
 * arg named `no-…` as itself, once. Its parser turns `--no-cache` into `cache: false` whatever is
 * defined; the wrapped `run` sees `args.cache` as it did when the arg was `cache` (true without
 * the flag), and false for a `--no-cache` before the subcommand as well.
 */
const NO_CACHE_ARG = {
  type: 'boolean',
  description: 'Skip the cache for this run (unperf)',
} as const

/**
 * Wrap a citty command tree: every command's `run` goes through `perf.run('<path>')` (a command's
 * name is its path: `'cache clear'`), subcommands are wrapped as they are resolved, and every
 * command accepts `--no-cache` (listed once in its help). Pass the result to {@link runMain} (or citty's).
 */
export function withPerf<C extends CittyCommand>(main: C, options: PerfAdapterOptions = {}): C {
  const existing = (main as AnyCommand)[SESSION]
  if (existing) return main
  let starting: Promise<Perf> | undefined
  const session: Session = {
    options,
    rawArgs: undefined,
    perf: undefined,
    ensure() {
      return (starting ??= startPerf(options, hasNoCacheFlag(session.rawArgs ?? process.argv.slice(2)), 'withPerf').then(perf => (session.perf = perf)))
    },
    async close(expected, args) {
      if (!starting) return
      await closePerf(await starting.catch(() => undefined), options, expected, isCommandLine(args))
    },
    restart() {
      if (session.perf?.closed) starting = session.perf = undefined
      session.failed = session.succeeded = false
    },
    failed: false,
    succeeded: false,
    runMainCloses: false,
    depth: 0,
  }
  const wrapped = _wrap(main as unknown as AnyCommand, [], session, true)
  Object.defineProperty(wrapped, SESSION, { value: session })
  return wrapped as unknown as C
}

/**
 * citty's `runMain` with perf closed before the process exits: `--help` (exit 0), `--version`,
 * success, a thrown error (exit 1) or bad usage: an unknown command, a missing argument (usage +
 * message, exit 2; citty's own exits 1). A command not yet wrapped is wrapped with `options`.
 */
export async function runMain(main: CittyCommand, options: PerfRunMainOptions = {}): Promise<void> {
  const { rawArgs: givenArgs, showUsage: givenShowUsage, ...adapterOptions } = options
  const cmd = withPerf(main, adapterOptions) as unknown as AnyCommand
  const session = cmd[SESSION]!
  session.restart()
  session.runMainCloses = true
  const rawArgs = givenArgs ?? process.argv.slice(2)
  session.rawArgs = rawArgs
  // citty's runtime: the host has loaded it already (its commands come from defineCommand); the
  // adapter reaches it when it runs, so the adapter itself loads with unperf's start script
  const citty = await import('citty')
  // citty colors its usage and its errors' names unless NO_COLOR=1, TERM=dumb, TEST or CI, a TTY
  // or not: `host --help | less` or a log got escape codes. Kept only where unperf's own colors are
  // (runtime/color.ts); a showUsage of the host's is its own business
  const showUsage = (givenShowUsage ?? (async (cmd: AnyCommand, parent?: AnyCommand) => {
    // as citty's showUsage: a usage that cannot be rendered (a subcommand that fails to load) is said, not thrown
    try { console.log(`${_plain(await citty.renderUsage(cmd, parent), process.stdout)}\n`) } catch (error) { console.error(error) }
  })) as (cmd: AnyCommand, parent?: AnyCommand) => Promise<void>
  let exitCode: number | undefined
  try {
    await session.ensure()
    // the root's args read for --help / --version only when one of them is there at all (builtinFlags
    // gives a subset of them): a run's arguments went through two args() calls and their Sets
    const flags = builtinFlagGiven(rawArgs) ? await builtinFlags(cmd) : NO_BUILTIN_FLAGS
    if (flags.help.length > 0 && rawArgs.some(arg => flags.help.includes(arg))) {
      await showUsage(...(await resolveSubCommand(cmd, rawArgs)))
      exitCode = 0
    } else if (rawArgs.length === 1 && flags.version.includes(rawArgs[0]!)) {
      const meta = await defValue(cmd.meta)
      if (!meta?.version) throw Object.assign(new Error('No version specified'), { name: 'CLIError', code: 'E_NO_VERSION' })
      console.log(meta.version)
    } else {
      await citty.runCommand(cmd, { rawArgs })
    }
  } catch (error) {
    exitCode = 1
    if (error instanceof Error && error.name === 'CLIError') {
      await showUsage(...(await resolveSubCommand(cmd, rawArgs)))
      console.error(_plain(error.message, process.stderr))
      // bad usage exits 2, as the unperf CLI does (citty's own runMain exits 1)
      if (USAGE_ERRORS.includes((error as Error & { code?: string }).code!)) exitCode = 2
    } else {
      if (!session.perf) exitOnConfigError(error) // perf could not be created: nothing to close
      console.error(error, '\n')
    }
  }
  // the report records the code this run exits with (a usage error's 2, an error's 1, a success's 0:
  // not set as process.exitCode, which would hide node's own code for what follows, 13 for a
  // top-level await that never settles)
  if (exitCode) process.exitCode = exitCode
  session.runMainCloses = false
  // a runCommand() of the tree after this run has arguments of its own (setup() takes them)
  session.rawArgs = undefined
  await session.close(0, rawArgs)
  // a budget breach in 'error' mode (set by close) outlives a --help that exits 0
  if (exitCode !== undefined) process.exit(exitCode || Number(process.exitCode) || 0)
}

// --- internal ---

/** citty's colored text, its colors removed when unperf would not color that stream. */
function _plain(text: string, stream: NodeJS.WriteStream): string {
  // eslint-disable-next-line no-control-regex
  return useColor(stream) ? text : text.replace(/\x1b\[[0-9;]*m/g, '')
}

function _wrap(cmd: AnyCommand, path: string[], session: Session, isRoot: boolean): AnyCommand {
  const wrapped: AnyCommand = { ...cmd }
  const name = path.join(' ')
  let addsNoCache = false
  wrapped.args = async () => {
    // perf now when the run's arguments are known (unperf's runMain) or citty's own runMain is about
    // to show the help or the version (no setup() follows); otherwise setup() starts it with the
    // arguments citty's runCommand was given (its `--no-cache` is looked for there, not in process.argv)
    if (isRoot && session.rawArgs !== undefined) await session.ensure()
    else if (isRoot && builtinFlagGiven(process.argv.slice(2))) await _ensureForCli(session, process.argv.slice(2))
    const args = (await defValue(cmd.args)) ?? {}
    addsNoCache = !_definesCache(args)
    return addsNoCache ? { ...args, 'no-cache': NO_CACHE_ARG } : args
  }
  if (cmd.subCommands) {
    const loaded = new Map<string, Promise<AnyCommand>>()
    wrapped.subCommands = async () => {
      const subs = ((await defValue(cmd.subCommands)) ?? {}) as Record<string, Resolvable<AnyCommand>>
      const out: Record<string, () => Promise<AnyCommand>> = {}
      for (const [key, sub] of Object.entries(subs)) {
        out[key] = () => {
          let p = loaded.get(key)
          if (!p) {
            // a lazy subcommand's import is a startup phase of its own; `ready` goes on after it
            const lazy = typeof sub === 'function' || typeof (sub as Partial<PromiseLike<unknown>>).then === 'function'
            if (lazy) session.perf?.mark(`load:${[...path, key].join(' ')}`)
            p = defValue(sub).then((resolved) => {
              if (lazy) session.perf?.mark('ready')
              return _wrap(resolved as AnyCommand, [...path, key], session, false)
            })
            loaded.set(key, p)
          }
          return p
        }
      }
      return out
    }
  }
  const run = cmd.run
  if (typeof run === 'function') {
    wrapped.run = async (ctx) => {
      const perf = await session.ensure()
      // `args.cache` as the `cache` arg it replaces gave it (true by default), and false for a
      // `--no-cache` before the subcommand too (citty parses a command's own arguments only)
      if (addsNoCache && ctx.args.cache === undefined) (ctx.args as Record<string, unknown>).cache = !hasNoCacheFlag(session.rawArgs ?? process.argv.slice(2))
      const commandName = name || (await rootName(cmd))
      const result = await failing(session, () => perf.run(commandName, () => run(ctx), { argv: ctx.rawArgs }))
      session.succeeded = true
      return result
    }
  }
  // a subcommand's setup or cleanup that throws fails the run (the root's: below)
  for (const phase of isRoot ? [] : ['setup', 'cleanup'] as const) {
    const hook = cmd[phase]
    if (typeof hook === 'function') wrapped[phase] = ctx => failing(session, () => hook(ctx))
  }
  if (isRoot) {
    // setup runs at the start of each runCommand() of the tree (showUsage never calls it): a tree
    // run again in one process (tests calling runCommand/runMain) gets a fresh instance, one report a run
    const setup = cmd.setup
    /** the run's context, once its setup is reached (a citty plugin's setup that throws comes first) */
    const entered = new WeakSet<object>()
    const begin = async (ctx: { rawArgs: string[] }) => {
      session.restart()
      if (!session.runMainCloses) session.rawArgs = ctx.rawArgs
      await _ensureForCli(session, ctx.rawArgs)
    }
    wrapped.setup = async (ctx) => {
      entered.add(ctx)
      // the tree run again inside one of its own commands (a command running another through
      // runCommand(cli, …)): part of that run; its cleanup must not close perf under the outer command
      if (session.depth++ > 0) {
        if (typeof setup === 'function') await setup(ctx)
        return
      }
      await begin(ctx)
      if (typeof setup === 'function') await failing(session, () => setup(ctx))
    }
    const cleanup = cmd.cleanup
    wrapped.cleanup = async (ctx) => {
      // citty calls cleanup after every setup, also one that threw, and after a citty plugin's
      // setup that threw before it: a run that failed before it began, recorded as any failed run
      // (it left no report, and the depth one short: no later run of the process closed perf)
      if (!entered.has(ctx) && session.depth++ === 0) {
        await begin(ctx).catch(() => {})
        session.failed = true
      }
      const outermost = --session.depth === 0
      try {
        if (typeof cleanup === 'function') await failing(session, () => cleanup(ctx))
      } finally {
        if (outermost && !session.runMainCloses) {
          // citty's own runMain (or runCommand): a success exits 0 unless the host sets a code, and
          // the report records it (the exit listener corrects what differs: an error's exit 1). A
          // run that failed (a setup, run or cleanup that threw, or citty's own error before the
          // command ran: an unknown command, a missing argument) records none: the host decides
          await session.close(session.failed || !session.succeeded ? undefined : 0, ctx.rawArgs)
        }
      }
    }
  }
  return wrapped
}

/** `fn`'s outcome; one that throws marks the run failed. */
async function failing<T>(session: Session, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    session.failed = true
    throw error
  }
}

/** The host defines the flag itself (`cache`, or `no-cache` / `noCache`): the adapter adds none. */
function _definesCache(args: ArgsDef): boolean {
  return 'cache' in args || 'no-cache' in args || 'noCache' in args
}

/**
 * The run's perf. A bad config in a run of the process's own arguments (citty's runMain) ends it as
 * unperf's runMain does: its problems on stderr, exit 2 (citty printed the ConfigError's stack into
 * unperf's bundle and exited 1); a host's runCommand() with other arguments (a test) gets the error.
 */
async function _ensureForCli(session: Session, rawArgs: readonly string[]): Promise<Perf> {
  try {
    return await session.ensure()
  } catch (error) {
    if (isCommandLine(rawArgs)) exitOnConfigError(error)
    throw error
  }
}
