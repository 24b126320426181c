/**
 * How a commander program's parse ends, as unperf's contract says it: the exit code of a
 * CommanderError (usage errors 2, not commander's 1), what an action's run ends with, and which
 * errors are commander's own or were handed to its exit callbacks (commander.ts installs them).
 */
import type { CommanderError } from 'commander'

/** Every error commander handed to the exit callbacks: a `program.error()` of the host's too, whatever its `code`. */
export const exitErrors = new WeakSet<Error>()

/**
 * Usage errors: commander exits 1, unperf's contract says 2 (bad usage), as the unperf CLI does.
 * An array literal of constants (V8 shares its elements: ≈ 50 bytes), not a Set made at every start
 * of every host, commander's or not (≈ 0.7 kB of young generation, session 29).
 */
const USAGE_ERRORS: readonly string[] = [
  'commander.unknownCommand', 'commander.unknownOption', 'commander.excessArguments', 'commander.missingArgument',
  'commander.optionMissingArgument', 'commander.missingMandatoryOptionValue', 'commander.conflictingOption',
  'commander.invalidArgument', 'commander.help', // help({ error: true }): a command that needs a subcommand
]

export function exitCodeOf(error: CommanderError): number {
  return error.exitCode === 1 && USAGE_ERRORS.includes(error.code) ? 2 : error.exitCode
}

/**
 * What an action's run ends with when commander's parse ended with `error`: none for one commander
 * exits 0 with (an action calling its command's `help()`, `git remote` style), as for an action
 * ending with process.exit(0); else the error.
 */
export function actionOutcome(error: unknown): unknown {
  return isCommanderError(error) && exitCodeOf(error) === 0 ? undefined : error
}

/**
 * An error commander exits with: one it handed to the exit callback (a host's `program.error(msg,
 * { code: 'my.code', exitCode: 9 })` has a code of the host's), or a CommanderError of its own.
 */
export function isCommanderError(error: unknown): error is CommanderError {
  if (!(error instanceof Error) || typeof (error as CommanderError).exitCode !== 'number') return false
  return exitErrors.has(error) || (typeof (error as CommanderError).code === 'string' && (error as CommanderError).code.startsWith('commander.'))
}
