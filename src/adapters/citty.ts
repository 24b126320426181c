/**
 * unperf/citty: `withPerf(main)` wraps a citty command tree (lazy subcommands included) so each
 * command runs through `perf.run(path)`, startup is timed and `--no-cache` works; `runMain(main)`
 * is citty's runMain that closes perf before it exits (success, error, --help, --version,
 * unknown command). With citty's own runMain the wrapped tree still closes perf on success and
 * errors (root `cleanup`), and the exit handler writes the report on citty's `process.exit()`.
 */
import type { Perf } from '../runtime/types.js'
import { closePerf, exitOnConfigError, hasNoCacheFlag, isCommandLine, startPerf, type PerfAdapterOptions } from './_shared.js'
import { useColor } from '../runtime/color.js'
import { builtinFlagGiven, builtinFlags, defValue, resolveSubCommand } from './citty-args.js'
import { SESSION, wrapCmd, type AnyCommand, type Session } from './citty-wrap.js'

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

/** citty's CLIError codes for bad usage (its others are the CLI author's mistakes): an array literal of constants, not a Set made at every start. */
const USAGE_ERRORS: readonly string[] = ['E_UNKNOWN_COMMAND', 'E_NO_COMMAND', 'EARG']
const NO_BUILTIN_FLAGS = { help: [] as string[], version: [] as string[] }

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
  const wrapped = wrapCmd(main as unknown as AnyCommand, [], session, true)
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
