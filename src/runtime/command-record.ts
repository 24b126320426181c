/**
 * The pieces of a command record shared by perf.run() and the exit path: a command still running,
 * the error a command cut short by a non-zero exit is recorded with, and an error's summary.
 */
import type { CommandContext } from '../hooks/types.js'

/** A command still running (perf.run() between command:before and its end). */
export interface InFlight {
  ctx: CommandContext
  stopPeak: () => number
  rssStart: number
}

/** What a command cut short by a non-zero exit is recorded with. */
export class ExitError extends Error {
  override name = 'ExitError'
  constructor(code: number) {
    super(`the process exited with code ${code} while the command was running`)
  }
}

export function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) }
}
