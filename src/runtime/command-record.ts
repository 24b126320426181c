/**
 * The pieces of a command record shared by perf.run() and the exit path: a command still running
 * and an error's summary (the errors a command cut short by the exit is recorded with: command-exit-errors.ts).
 */
import type { CommandContext } from '../hooks/types.js'
import { redact } from './warn.js'

/** A command still running (perf.run() between command:before and its end). */
export interface InFlight {
  ctx: CommandContext
  /** Its number among the process's commands (the tracer's). */
  run: number
  stopPeak: () => number
  rssStart: number
  /** Still running when the event loop emptied ('beforeExit'): it can never finish. */
  stalled?: boolean
}


/** What report.json records of a command's error: its name and message, credentials in it redacted. */
export function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: redact(error.message) } : { name: 'Error', message: redact(String(error)) }
}
