/**
 * The `unperf` CLI. Subcommands load lazily; errors are handled here, not by citty's runMain
 * (which exits 1 for everything): 0 ok, 1 a check failed, 2 bad usage or bad config.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { renderUsage as cittyUsage, runCommand, type ArgsDef, type CommandDef } from 'citty'
import { didYouMean } from '../config/did-you-mean.js'
import { errorMessage } from '../errors.js'
import { jsonError, type JsonError } from '../cli-errors.js'
import { useColor } from '../runtime/color.js'
import { optionNames, optionWithoutValue, parseCommandLine, positionalsText, switchWithValue, unexpectedArgument, unknownOption } from './argv.js'
import { keepStdoutForJson, writeJson } from './json-stdout.js'

type Lazy = () => Promise<CommandDef<ArgsDef>>
const load = (p: Promise<{ default: unknown }>) => p.then(m => m.default as CommandDef<ArgsDef>)

const subCommands: Record<string, Lazy> = {
  init: () => load(import('./commands/init.js')),
  config: () => load(import('./commands/config.js')),
  cache: () => load(import('./commands/cache.js')),
  budget: () => load(import('./commands/budget.js')),
  bench: () => load(import('./commands/bench.js')),
  report: () => load(import('./commands/report.js')),
  monitor: () => load(import('./commands/monitor.js')),
  profile: () => load(import('./commands/profile.js')),
  shard: () => load(import('./commands/shard.js')),
  tests: () => load(import('./commands/tests.js')),
  doctor: () => load(import('./commands/doctor.js')),
}

const version = typeof __UNPERF_VERSION__ === 'string' ? __UNPERF_VERSION__ : '0.0.0'

const main: CommandDef<ArgsDef> = {
  meta: { name: 'unperf', version, description: 'Inspect and manage unperf: cache, budgets, benchmarks, reports, monitors' },
  subCommands,
}

/**
 * citty's usage text, its colors kept only where ours are (runtime/color.ts: NO_COLOR, FORCE_COLOR,
 * a TTY): citty colors it whenever NO_COLOR is not '1', so `unperf --help | less` or a log got escape codes.
 */
async function renderUsage(cmd: CommandDef<ArgsDef>, parent: CommandDef<ArgsDef> | undefined, stream: NodeJS.WriteStream = process.stdout): Promise<string> {
  // citty ends a line with a space (`USAGE unperf report [OPTIONS] `), before a color's end
  const text = (await cittyUsage(cmd, parent)).replace(/ +((?:\x1b\[[0-9;]*m)*)$/gm, '$1')
  return useColor(stream) ? text : text.replace(/\x1b\[[0-9;]*m/g, '')
}

/**
 * The parent citty's usage names a command after: citty prints the parent's name and the command's,
 * one level only, so a subcommand's subcommand read `USAGE cache get` (no program, no version). Below
 * the first level, a parent named by the whole path (`unperf cache`) with unperf's version.
 */
function usageParent(path: readonly string[], parent: CommandDef<ArgsDef> | undefined): CommandDef<ArgsDef> | undefined {
  return path.length > 1 ? { meta: { name: ['unperf', ...path.slice(0, -1)].join(' '), version } } : parent
}

async function showUsage(cmd: CommandDef<ArgsDef>, parent?: CommandDef<ArgsDef>): Promise<void> {
  console.log(`${await renderUsage(cmd, parent)}\n`)
}

/** The usage beside an error: on stderr, so stdout stays empty (`unperf frobnicate > out` writes nothing there). */
async function showUsageOnStderr(cmd: CommandDef<ArgsDef>, parent?: CommandDef<ArgsDef>): Promise<void> {
  console.error(`${await renderUsage(cmd, parent, process.stderr)}\n`)
}

/** The value of `--cwd` (`--cwd X` or `--cwd=X`) among unperf's own options (before a `--`), if given. */
function cwdOption(args: string[]): string | undefined {
  let value: string | undefined
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!
    if (a.startsWith('--cwd=')) value = a.slice(6)
    else if (a === '--cwd' && i + 1 < args.length) value = args[++i]
  }
  return value
}

/**
 * The `{ error }` document of --json on stdout, `{ name, code, message, issues?, exitCode?, signal? }` for every error
 * (errors.ts jsonError). `unperf monitor` writes JSON lines (a `type` each: `sample`, `alert`,
 * `serving`): its error is one more line, `{ type: 'error', error }`, not an indented document a
 * line-by-line reader cannot parse.
 */
function printJsonError(path: readonly string[], error: JsonError): void {
  if (path[0] === 'monitor') writeJson(`${JSON.stringify({ type: 'error', error })}\n`)
  else writeJson(`${JSON.stringify({ error }, null, 2)}\n`)
}

/** A usage problem: the usage and the message on stderr (exit 2); with --json, a JSON error on stdout too. */
async function usageProblem(json: boolean, code: string, message: string, cmd: CommandDef<ArgsDef>, parent?: CommandDef<ArgsDef>, path: readonly string[] = []): Promise<2> {
  if (json) printJsonError(path, { name: 'UsageError', code, message })
  await showUsageOnStderr(cmd, parent)
  console.error(prefixed(message))
  return 2
}

/**
 * A message on stderr as every unperf message starts: `[unperf] ` (citty's own usage errors,
 * `Missing required argument: --total`, have none). `--json`'s `message` is without it (jsonError).
 */
function prefixed(message: string): string {
  return message.startsWith('[unperf] ') ? message : `[unperf] ${message}`
}

async function run(argv: string[]): Promise<number> {
  // `unperf help [command...]` is `unperf [command...] --help`, as in git, npm, cargo and gh (it was an unknown command)
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help']
  const dashes = argv.indexOf('--')
  const own = dashes === -1 ? argv : argv.slice(0, dashes)
  const json = own.includes('--json')
  const options = own.filter(a => a !== '--json')
  if (options.length === 1 && (options[0] === '--version' || options[0] === '-v')) {
    console.log(json ? JSON.stringify({ version }, null, 2) : version)
    return 0
  }
  const line = await parseCommandLine(main, argv)
  const { cmd, path } = line
  const parent = usageParent(path, line.parent)
  // `unperf --version --cwd .` (a global option beside it, no command): the version, not "no command given"
  if (path.length === 0 && line.stray === undefined && (own.includes('--version') || own.includes('-v'))) {
    console.log(json ? JSON.stringify({ version }, null, 2) : version)
    return 0
  }
  // `unperf` alone is a missing command, as `unperf --cwd x` is: bad usage (exit 2, the usage on
  // stderr), as clap-based CLIs (hyperfine) and citty's runMain treat it; `unperf --help` is the ask
  if (own.includes('--help') || own.includes('-h')) {
    // with --json, stdout is one JSON document here too: the usage text as a string
    if (json) console.log(JSON.stringify({ usage: (await cittyUsage(cmd, parent)).replace(/\x1b\[[0-9;]*m/g, '').replace(/ +$/gm, '') }, null, 2))
    else await showUsage(cmd, parent)
    return 0
  }
  const commands = Object.keys(subCommands).join(', ')
  if (path.length === 0) {
    if (line.stray === undefined) return usageProblem(json, 'E_NO_COMMAND', `unperf: no command given (commands: ${commands})`, main)
    return usageProblem(json, 'E_UNKNOWN_COMMAND', `unperf: unknown command '${line.stray}' (commands: ${commands})${didYouMean(line.stray, Object.keys(subCommands))}`, main)
  }
  // a group without its command (`unperf cache`, `unperf tests frobnicate`): said as for unperf itself,
  // naming the group's commands (citty said 'No command specified.' or 'Unknown command x', a CLIError)
  if (typeof cmd.run !== 'function' && cmd.subCommands) {
    const subs = typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands
    const group = `unperf ${path.join(' ')}`
    const names = Object.keys(subs).join(', ')
    if (line.stray === undefined) return usageProblem(json, 'E_NO_COMMAND', `${group}: no command given (commands: ${names})`, cmd, parent, path)
    return usageProblem(json, 'E_UNKNOWN_COMMAND', `${group}: unknown command '${line.stray}' (commands: ${names})${didYouMean(line.stray, Object.keys(subs))}`, cmd, parent, path)
  }
  // citty ignores an option a command does not define: a typo (`--run 5`) would run with the default
  if (typeof cmd.run === 'function') {
    const bad = await unknownOption(cmd, line.args.slice(path.length))
    if (bad !== undefined) {
      const tail = path[0] === 'profile' || path[0] === 'bench' ? `; options for the command itself go after '--'` : ''
      // `--runz`: `; did you mean '--runs'?`, as for a misspelt config key
      const names = await optionNames(cmd)
      const hint = bad.startsWith('--') ? didYouMean(bad, names.split(', ')) : ''
      return usageProblem(json, 'E_UNKNOWN_OPTION', `unperf ${path.join(' ')}: unknown option '${bad}' (options: ${names}${tail})${hint}`, cmd, parent, path)
    }
  }
  // `--env --json` would run with an env named '--json' (and print text), `--namespace` alone on 'true'
  if (typeof cmd.run === 'function') {
    const missing = await optionWithoutValue(cmd, line.args.slice(path.length))
    if (missing) {
      const got = missing.found === undefined || missing.found === '--' ? 'nothing' : missing.found === '' ? 'an empty value' : `the option '${missing.found}'`
      return usageProblem(json, 'E_USAGE', `unperf ${path.join(' ')}: ${missing.option} expects a value, got ${got}`, cmd, parent)
    }
    // `cache clear --all --yes=no` cleared everything: citty reads the switch's value as a (truthy) string
    const valued = await switchWithValue(cmd, line.args.slice(path.length))
    if (valued !== undefined) {
      const option = valued.slice(0, valued.indexOf('='))
      return usageProblem(json, 'E_USAGE', `unperf ${path.join(' ')}: ${option} takes no value, got '${valued.slice(valued.indexOf('=') + 1)}' (give ${option}, or leave it out)`, cmd, parent)
    }
  }
  // citty ignores an argument a command takes no positional for: `unperf report last` printed the report, exit 0
  if (typeof cmd.run === 'function') {
    const extra = await unexpectedArgument(cmd, line.args.slice(path.length))
    if (extra !== undefined) return usageProblem(json, 'E_UNEXPECTED_ARGUMENT', `unperf ${path.join(' ')}: unexpected argument '${extra}' (it takes ${await positionalsText(cmd)})`, cmd, parent, path)
  }
  const rawArgs = line.args
  // every command reads or writes in --cwd: a missing one is the user's typo, not an empty project
  const cwd = cwdOption(rawArgs)
  if (cwd !== undefined && !statSync(resolve(cwd), { throwIfNoEntry: false })?.isDirectory()) {
    // a file given as --cwd is named as one: "there is none" sent users looking for a missing path
    const message = `--cwd ${resolve(cwd)}: expected a directory, ${statSync(resolve(cwd), { throwIfNoEntry: false }) ? 'it is a file' : 'there is none'}`
    if (json) printJsonError(path, { name: 'UsageError', code: 'E_BAD_CWD', message })
    console.error(prefixed(message))
    return 2
  }
  // the config's and plugins' own console.log must not come before the JSON on stdout (json-stdout.ts);
  // off a terminal, monitor writes JSON lines without --json too
  if (json || (path[0] === 'monitor' && process.stdout.isTTY !== true)) keepStdoutForJson()
  try {
    await runCommand(main, { rawArgs })
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string; issues?: unknown[] }
    // citty's missing argument (`unperf cache get`, `unperf shard --total 2`): the usage problem every
    // other one is, in the same shape (it came out as { name: 'CLIError', code: 'EARG' } with no
    // command named: 'Missing required positional argument: KEY')
    if (e.name === 'CLIError' && e.code === 'EARG') {
      const what = (e.message ?? '').replace(/\x1b\[[0-9;]*m/g, '').replace(/^Missing required (positional )?argument: /, (_, positional: string | undefined) => positional ? 'missing the argument <' : 'missing the option ')
      const message = `unperf ${path.join(' ')}: ${what.startsWith('missing the argument <') ? `${what}>` : what}`
      return usageProblem(json, 'E_MISSING_ARGUMENT', message, cmd, parent, path)
    }
    // citty colors the names in its messages ('Unknown command \x1b[36mx\x1b[39m'): never in JSON
    if (json) printJsonError(path, jsonError(error))
    if (e.name === 'ConfigError' || e.name === 'UsageError' || e.name === 'CLIError') {
      const plain = (e.message ?? '').replace(/\x1b\[[0-9;]*m/g, '')
      // the usage beside the error, on stderr (with --json, stdout holds the JSON document alone)
      if (e.name === 'CLIError') await showUsageOnStderr(cmd, parent)
      console.error(prefixed(useColor(process.stderr) ? `${e.message}` : plain))
      return 2
    }
    console.error(error instanceof Error ? `[unperf] ${errorMessage(error)}` : error)
    // `unperf profile` of a command that failed before writing a profile, or could not start: its status
    if (e.name === 'ProfileCommandError') return (error as { exitCode: number }).exitCode
    return 1
  }
}

// the reader of a pipe went away (`unperf monitor | head -n 3`): stop quietly, as `yes | head` does,
// instead of an unhandled EPIPE stack trace (and, for monitor, sampling on for nobody)
process.stdout.on('error', error => {
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit()
  throw error
})

run(process.argv.slice(2)).then(
  code => { process.exitCode = code },
  error => { console.error(error); process.exitCode = 1 },
)
