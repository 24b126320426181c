/**
 * A citty command tree wrapped for perf (withPerf, citty.ts): each command's `run` timed as
 * `perf.run('<path>')`, subcommands wrapped as they are resolved, `--no-cache` added to each
 * command's args, and the root's setup and cleanup starting and closing perf for each run of the
 * tree. The run's state (its perf, whether it failed) is the tree's Session.
 */
import type { ArgsDef, CommandDef } from 'citty'
import type { Perf } from '../runtime/types.js'
import { exitOnConfigError, hasNoCacheFlag, isCommandLine, type PerfAdapterOptions } from './_shared.js'
import { builtinFlagGiven, defValue, rootName, type Resolvable } from './citty-args.js'

export const SESSION = Symbol.for('unperf.citty.session')

export interface Session {
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

export type AnyCommand = CommandDef<ArgsDef> & { [SESSION]?: Session }

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

export function wrapCmd(cmd: AnyCommand, path: string[], session: Session, isRoot: boolean): AnyCommand {
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
              return wrapCmd(resolved as AnyCommand, [...path, key], session, false)
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
