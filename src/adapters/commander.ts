/**
 * unperf/commander: `instrument(program)` times startup and every action (named by its command
 * path, `'cache clear'`), adds `--no-cache`, and closes perf on every path before the process
 * exits: success, a thrown error (rethrown unchanged), `--help`, `--version` and usage errors
 * (unknown command, missing argument: commander prints its message, then the process exits 2,
 * bad usage, after the report is written). commander's API is used: `hook('preAction' |
 * 'postAction')` (put before the host's own) and `exitOverride()` (around the host's callback).
 */
import type { Command, CommanderError } from 'commander'
import type { Perf } from '../runtime/types.js'
import { closePerf, exitOnConfigError, isCommandLine, startPerf, type PerfAdapterOptions } from './_shared.js'
import { secondCallWarning } from './second-call-warning.js'
import { argsAfterPath, argsOf, commandPath, definesCache, parsesNoCache, type ParseArgs } from './commander-args.js'
import { listNoCacheInHelp } from './commander-help.js'
import { actionOutcome, exitCodeOf, exitErrors, isCommanderError } from './commander-exit-codes.js'

export type { PerfAdapterOptions } from './_shared.js'
/** The run's perf instance inside a command, as `unperf` exports it: one import for a host that needs both (a second package import costs a resolution and an ES module at start). */
export { getPerf, tryGetPerf } from '../runtime/current.js'


const INSTRUMENTED = Symbol.for('unperf.commander')

/**
 * A commander program: commander's `Command`, or `@commander-js/extra-typings`' (the same class at
 * run time, declared apart: not assignable to commander's `Command` type).
 */
export interface CommanderProgram {
  parseAsync(argv?: readonly string[], parseOptions?: { from?: 'node' | 'electron' | 'user' }): Promise<unknown>
}

interface Pending {
  finish: (error?: unknown) => void
  done: Promise<unknown>
}

/**
 * Instrument a commander program in place and return it. Call it once the commands are defined,
 * then `await program.parseAsync()`. `parse()` parses at once, as commander does (`program.opts()`
 * is set when it returns), and the action runs once perf exists (creating it is asynchronous). If
 * the program already had `exitOverride()`, the CommanderError is rethrown after perf is closed
 * instead of exiting (by parse(), at once); a host callback that returns instead of throwing
 * (`exitOverride(err => { … })`) gets its call, then the process exits as without one.
 */
export function instrument<T extends CommanderProgram>(given: T, options: PerfAdapterOptions = {}): T {
  const marked = given as T & { [INSTRUMENTED]?: true }
  if (marked[INSTRUMENTED]) {
    secondCallWarning('instrument()', options)
    return given
  }
  Object.defineProperty(marked, INSTRUMENTED, { value: true })
  const program = given as unknown as Command

  // not when a command defines it: the program takes its options anywhere on the command line
  // (commander's default), so one of the program's would take a subcommand's own `--no-cache`
  if (!definesCache(program)) {
    program.option('--no-cache', 'skip the cache for this run (unperf)')
    // and in each subcommand's help (commander lists a program option in the program's alone)
    program.on('beforeAllHelp', ({ command }: { command: Command }) => listNoCacheInHelp(program, command, parsesNoCache))
  }

  let perf: Perf | undefined
  /** perf being created, for an action parse() reached before it exists */
  let starting: Promise<Perf> | undefined
  /** What parse() threw to the host's catch: the host decides the exit code. */
  let handed: { error: unknown } | undefined
  let userArgs: string[] = []
  const pending: Pending[] = []

  // One action at a time per program: preAction starts perf.run(), postAction (or the error
  // path in parseAsync) settles it. Hooks on the program fire for every subcommand's action.
  // preAction resolves once perf.run() calls its function, after the command:before listeners,
  // so the action starts after them (commander awaits a hook's promise in parseAsync).
  program.hook('preAction', (_root, action) => {
    // parse() parses before perf exists (a parse error is thrown to the host's catch at once under
    // its exitOverride()): the action waits for it
    if (!perf) return starting?.then(created => begin(action, created))
    return begin(action, perf)
  })
  const begin = (action: Command, current: Perf): Promise<void> => {
    let finish!: (error?: unknown) => void
    const settled = new Promise<void>((resolve, reject) => {
      finish = error => (error === undefined ? resolve() : reject(error))
    })
    settled.catch(() => {}) // observed by perf.run; never an unhandled rejection
    return new Promise<void>((started) => {
      const done = current.run(commandPath(action, rootName ?? 'main'), () => { started(); return settled }, { argv: argsAfterPath(userArgs, action) }).catch(() => {})
      done.then(() => started())
      pending.push({ finish, done })
    })
  }
  program.hook('postAction', async () => {
    const p = pending.pop()
    if (!p) return
    p.finish()
    await p.done
  })
  _runHooksFirst(program)

  type Parse = (...args: ParseArgs) => Promise<T>
  const parseAsync = program.parseAsync.bind(program) as unknown as Parse
  const target = program as unknown as { parseAsync: Parse; parse: (...args: ParseArgs) => T }

  // viaParse: parse(), true when the process exits 1 on an error (below), so the report can record it
  // the name the host gave the program, read before the first parse: commander names an unnamed
  // program then after the script it was started as ('cli' for `node bin/cli.mjs`, 'acme' through
  // node_modules/.bin/acme, 'program' for { from: 'user' }), so its action's runs, budgets and history
  // split by how the CLI was started; unnamed, it is 'main', as with citty
  let rootName: string | undefined
  // early: parse(): commander parses now, synchronously, as without unperf (its errors go to the
  // host's catch around parse() under its exitOverride()), while perf is created
  const run = async (args: ParseArgs, viaParse: boolean, early = false) => {
    rootName ??= program.name() || 'main'
    const argv = argsOf(args)
    userArgs = argv
    // the process's own arguments (parseAsync() or parseAsync(process.argv)): its exit code is this run's
    const commandLine = isCommandLine(argv)
    const hostOverride = _installExitOverride(program)
    perf = undefined
    const creating = (starting = startPerf(options, parsesNoCache(program, argv), 'instrument'))
    const parsing = early ? parseAsync(...args) : undefined
    parsing?.catch(() => {}) // awaited below, once perf exists
    try {
      perf = await creating
    } catch (error) {
      if (!hostOverride) exitOnConfigError(error) // printed, exit 2; a host with exitOverride() gets it
      throw error
    } finally {
      starting = undefined
    }
    // the code the run ends with when the host sets none (0 for a success, --help, --version): what
    // close records then. process.exitCode is left alone: set to 0, it would hide node's own code
    // for what follows (13 for a top-level await that never settles)
    let expected: number | undefined
    try {
      const parsed = await (parsing ?? parseAsync(...args))
      expected = 0
      return parsed
    } catch (error) {
      for (let p = pending.pop(); p; p = pending.pop()) {
        p.finish(actionOutcome(error))
        await p.done
      }
      // thrown by parse() to the host's catch already: the host decides the exit code (its
      // process.exitCode, a later process.exit()), recorded as the process exits with it
      if (handed && handed.error === error) {
        handed = undefined
        await closePerf(perf, options, undefined, commandLine)
        return given
      }
      // the process exits below with commander's code: the report records it (not when the host
      // decides; a host's exitOverride() with parse() cannot for an action's error: parse() returned before it)
      const exiting = isCommanderError(error) && (!hostOverride || mustExit.has(error) || viaParse)
      if (exiting) {
        // --help and --version exit 0: recorded as 0 unless the host set a code of its own
        if (exitCodeOf(error)) process.exitCode = exitCodeOf(error)
        else expected = 0
      } else if (viaParse) process.exitCode = 1
      await closePerf(perf, options, expected, commandLine)
      // a budget breach in 'error' mode (set by close) outlives a --help that exits 0
      if (exiting) process.exit(exitCodeOf(error) || Number(process.exitCode) || 0)
      throw error
    } finally {
      await closePerf(perf, options, expected, commandLine)
    }
  }
  // a parse inside one of the program's own actions (a command running another, `build` running
  // `prepare`): part of that run, as with citty, not a second perf instance closed in the middle of it
  const nested = async (args: ParseArgs): Promise<T> => {
    const outerArgs = userArgs
    userArgs = argsOf(args)
    const mark = pending.length
    try {
      return await parseAsync(...args)
    } catch (error) {
      // the inner action threw (commander runs no postAction then): its run ends with the error
      for (let p = pending.length > mark ? pending.pop() : undefined; p; p = pending.length > mark ? pending.pop() : undefined) {
        p.finish(actionOutcome(error))
        await p.done
      }
      throw error
    } finally {
      userArgs = outerArgs
    }
  }
  target.parseAsync = (...args: ParseArgs) => (perf && !perf.closed && pending.length > 0 ? nested(args) : run(args, false))
  target.parse = (...args: ParseArgs) => {
    // commander parses now, within parse(), as without unperf: the options and arguments are set
    // when parse() returns (`program.parse(); program.opts()`, commander's README style); the action
    // runs once perf exists. With the host's exitOverride(), what commander throws while it parses
    // (--help, --version, an unknown command, a missing argument) is thrown from parse() to the
    // host's catch, as without unperf. Without one, such an error ends the process once perf is
    // closed (run()), and an action's error as an async action's does under commander's own
    // parse(): an unhandled rejection, printed by node its way (the source line, `Node.js v…`; a
    // thrown non-Error as UnhandledPromiseRejection), exit 1
    raised = handed = undefined
    // inside one of the program's actions: part of that run, as parseAsync() there
    const inner = Boolean(perf && !perf.closed && pending.length > 0)
    const running = inner ? nested(args) : run(args, true, true)
    const thrown = raised as { error: unknown } | undefined // set by an exit callback within run()
    raised = undefined
    if (thrown && !(thrown.error instanceof Error && mustExit.has(thrown.error))) {
      if (inner) running.catch(() => {}) // thrown here, to the host
      else handed = thrown
      throw thrown.error
    }
    // an inner usage error without the host's exitOverride(): the process exits as commander's
    // parse() makes it (the outer run recorded by the exit handler)
    if (inner) void running.catch((error: unknown) => { if (isCommanderError(error) && mustExit.has(error)) process.exit(exitCodeOf(error)); throw error })
    else void running
    return given
  }
  return given
}

// --- internal ---

/**
 * Make commander throw instead of calling process.exit(), on the program and every subcommand
 * (subcommands copy settings only when created). Returns whether the host had its own override.
 * A host callback that returns (`exitOverride(err => log(err))`) does not stop commander's exit:
 * commander calls process.exit() after it, as on a command without a callback. Such an error is
 * marked to exit the same way, once perf is closed, instead of reaching the host as a rejection
 * of parseAsync().
 */
const overridden = new WeakMap<Command, boolean>()
const mustExit = new WeakSet<Error>()
/**
 * What the exit callbacks last threw (commander's error, or what the host's callback threw in its
 * place): parse() looks for one thrown while it parsed.
 */
let raised: { error: unknown } | undefined

function _installExitOverride(program: Command): boolean {
  const known = overridden.get(program)
  if (known !== undefined) return known
  const host = (program as unknown as { _exitCallback?: ((error: CommanderError) => void) | null })._exitCallback
  const visit = (cmd: Command) => {
    const own = (cmd as unknown as { _exitCallback?: ((error: CommanderError) => void) | null })._exitCallback
    cmd.exitOverride((error) => {
      exitErrors.add(error)
      raised = { error }
      // the host's own callback decides (it usually throws: that error, or one of its own, is the one parse() throws)
      if (own) {
        try { own(error) } catch (thrown) { raised = { error: thrown }; throw thrown }
      }
      // an executable subcommand ended (perf was closed when parseAsync() resolved): exit with its
      // code, as commander does without an override (with one, commander only calls it)
      if (error.code === 'commander.executeSubCommandAsync') {
        if (!own) process.exit(error.exitCode)
        return
      }
      // no callback on this command (a subcommand created before the host's exitOverride() call
      // has none), or the host's returned: commander would exit now
      mustExit.add(error)
      throw error
    })
    for (const sub of cmd.commands) visit(sub)
  }
  visit(program)
  overridden.set(program, Boolean(host))
  return Boolean(host)
}

/**
 * unperf's preAction and postAction hooks around the host's own on the program, also those added
 * before instrument() (commander runs a program's hooks in the order added, postAction's reversed):
 * the host's run inside the command's run, once perf exists, so `getPerf()` works in them under
 * parse() too, which parses (and reaches the hooks) before perf exists.
 */
function _runHooksFirst(program: Command): void {
  const hooks = (program as unknown as { _lifeCycleHooks?: Record<string, unknown[] | undefined> })._lifeCycleHooks
  for (const event of ['preAction', 'postAction']) {
    const list = hooks?.[event]
    if (!Array.isArray(list) || list.length < 2) continue
    list.unshift(list.pop())
  }
}
