/**
 * The errors a command cut short by the process's end is recorded with (run-end.ts): a deferred module
 * (scripts/build.mjs DEFERRED), loaded only when such a command is recorded: as classes of the start
 * script they were ≈ 1 kB of young generation at every start (session 29).
 */

/**
 * What a command cut short by a non-zero exit is recorded with. `survived`: the last uncaught error
 * a host listener kept the process alive through (a logger that flushes, then exits): named in the
 * message, since it is likely, not certain, to be why the process exits.
 */
export class ExitError extends Error {
  override name = 'ExitError'
  constructor(code: number, survived?: unknown) {
    super(`the process exited with code ${code} while the command was running${survived === undefined ? '' : ` (after an uncaught ${describe(survived)} that a host 'uncaughtException' listener handled)`}`)
  }
}

/**
 * What a command still running at the natural end of the event loop is recorded with: nothing is
 * left that could settle its promise (node then exits with 0, or 13 under a top-level await).
 */
export class LoopEmptiedError extends Error {
  override name = 'LoopEmptiedError'
  constructor() {
    super('the event loop emptied while the command was still running: a promise that never settles (a deadlock?)')
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return `error: ${String(error)}`
}

/** A command cut short by a non-zero exit, `survived` the last uncaught error a host listener kept the process alive through. */
export function exitError(code: number, survived?: unknown): ExitError {
  return new ExitError(code, survived)
}

/** A command still running when the event loop emptied. */
export function loopEmptiedError(): LoopEmptiedError {
  return new LoopEmptiedError()
}
