/**
 * Only when a program is instrumented twice: a deferred module (scripts/build.mjs), off the start
 * script; commander.ts's check that it was instrumented before stays inline.
 */
import type { PerfAdapterOptions } from './_shared.js'
import { warnOn } from './warn-on.js'

/**
 * A second instrument() (withPerf of a tree already wrapped) of one program: the first call's options
 * apply; this call's (a `perf` instance given, a rootDir) had nowhere to go and were dropped without a
 * word (the instance given ran no command). Said on the given instance when there is one.
 */
export function secondCallWarning(call: string, options: PerfAdapterOptions): void {
  const given = Object.entries(options).filter(([, v]) => v !== undefined).map(([k]) => k)
  if (given.length === 0) return
  const message = `${call} was called again on a program it had instrumented: the first call's options apply, this call's (${given.join(', ')}) are ignored${options.perf ? ', and the perf instance given runs no command' : ''}; pass them to the first call`
  if (options.perf) warnOn(options.perf, 'adapter-called-twice', message)
  else process.stderr.write(`[unperf] warn ${message}\n`)
}
