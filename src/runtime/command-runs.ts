/**
 * A perf instance's commands: perf.run()'s lifecycle (command:before → fn → command:after |
 * command:error, each run a root of the tracer's spans), the runs in flight, and the record of each
 * run (command-log.ts) when it ends (those the end of the run finds still running: run-end.ts).
 * Functions over the instance's fields (perf.ts), not a class of their own: the start script holds
 * no second object, constructor or field list for them.
 */
import type { CommandContext, CommandResult } from '../hooks/types.js'
import type { PerfHookRegistryImpl } from '../hooks/registry.js'
import type { MemoryTracker, Tracer } from './_internal.js'
import { now } from './clock.js'
import { errorSummary, type InFlight } from './command-record.js'
import type { CommandLog } from './command-log.js'
import type { LoopEndWatch } from './loop-end.js'
import type { Perf, RunOptions } from './types.js'
import { redact } from './warn.js'

/** What the commands use of their perf instance. */
export interface CommandsHost extends Perf {
  readonly hooks: PerfHookRegistryImpl
  readonly memory: MemoryTracker
  readonly _tracer: Tracer
  /** The commands running (between command:before and their end). */
  readonly _inFlight: Set<InFlight>
  /** The finished runs: the newest records and every name's totals. */
  readonly _log: CommandLog
  readonly _loopEnd: LoopEndWatch
  /** The monitors started (the first command's start waits for them); undefined once they run or when off. */
  _startMonitors(): Promise<void> | undefined
}

/** One run of the command `name`, its input checked by perf.run(). */
export function runCommand<T>(perf: CommandsHost, name: string, fn: (ctx: CommandContext) => Promise<T> | T, options: RunOptions): Promise<T> {
  // monitors start with the first command (a --help runs none): part of startup, as they were in createPerf()
  const monitors = perf._startMonitors()
  return monitors === undefined ? startCommand(perf, name, fn, options) : monitors.then(() => startCommand(perf, name, fn, options))
}

function startCommand<T>(perf: CommandsHost, name: string, fn: (ctx: CommandContext) => Promise<T> | T, options: RunOptions): Promise<T> {
  // spans started during this command belong to it; the first command also ends startup
  return perf._tracer.command(name, async (run) => {
    const start = now()
    const ctx: CommandContext = { name, argv: options.argv ?? process.argv.slice(2), startTime: start, perf, data: {} }
    const flight: InFlight = { ctx, run, stopPeak: perf.memory.trackPeak(), rssStart: perf.memory.lastRss }
    // a process.exit() or a fatal error inside fn skips the finally below: closeRunSync records it
    perf._inFlight.add(flight)
    perf._loopEnd.commandStarted()
    await perf.hooks.emit('command:before', ctx)
    let status: CommandResult['status'] = 'ok'
    let failure: unknown
    try {
      return await fn(ctx)
    } catch (error) {
      status = 'error'
      failure = error
      await perf.hooks.emit('command:error', ctx, error)
      throw error
    } finally {
      // already recorded when the exit handler ran while the command was running
      if (perf._inFlight.delete(flight)) {
        if (perf._inFlight.size === 0) perf._loopEnd.idle()
        await perf.hooks.emit('command:after', ctx, record(perf, flight, status, failure))
      }
    }
  })
}

/** The event loop emptied: the commands running now can never finish. */
export function markStalled(perf: CommandsHost): void {
  for (const flight of perf._inFlight) flight.stalled = true
}

/** Record one finished run of a command (also one the end of the run cuts short, run-end.ts); the result `command:after` gets. */
export function record(perf: CommandsHost, { ctx, run, stopPeak, rssStart }: InFlight, status: CommandResult['status'], failure: unknown): CommandResult {
  const { name, startTime: start } = ctx
  const memoryPeak = stopPeak()
  const result: CommandResult = {
    name, status, duration: now() - start,
    memoryDelta: perf.memory.lastRss - rssStart, memoryPeak,
    ...(status === 'error' && { error: failure }),
  }
  perf._log.add({
    // the name as report.json, history, metrics labels and OTel record it: a credential in it
    // (`perf.run(\`GET ${url}\`)` with a token in the url) redacted, as in error messages
    name: redact(name), run, status, start, duration: result.duration, memoryDelta: result.memoryDelta, memoryPeak,
    ...(failure !== undefined && { error: errorSummary(failure) }),
  })
  return result
}
