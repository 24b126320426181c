/**
 * The pieces of a command record shared by perf.run() and the exit path: a command still running,
 * the error a command cut short by a non-zero exit is recorded with, and an error's summary.
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

/** What report.json records of a command's error: its name and message, credentials in it redacted. */
export function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: redact(error.message) } : { name: 'Error', message: redact(String(error)) }
}
