/**
 * The end of a CLI run without node's teardown. When the event loop runs dry, node frees the whole
 * environment before the process ends (every heap page, handle and cleanup hook), which
 * `process.exit()` skips: ≈ 1.5 ms for a small CLI, ≈ 3 ms once unperf's start script and report
 * are in the heap (bench/results/startup.md). Once perf is closed, the adapters add one 'exit'
 * listener; when it is the last one, it ends the process the way `process.exit()` does, with the
 * same exit code. A listener added after it (by the host or a library) keeps node's own teardown,
 * and so does an uncaught error: node prints it after the 'exit' listeners. Off with the adapters'
 * `fastExit: false`.
 */

type ExitingProcess = NodeJS.Process & { reallyExit?: (code: number) => never }

let armed: ((code: number) => void) | undefined
let fatal = false
const onFatal = () => { fatal = true }

/** Adds (or moves to the end) the listener that ends the process once every other 'exit' listener has run. */
export function armFastExit(): void {
  if (armed) process.removeListener('exit', armed)
  else process.on('uncaughtExceptionMonitor', onFatal)
  const listener = (code: number) => {
    const listeners = process.listeners('exit')
    if (fatal || listeners[listeners.length - 1] !== listener || process.execArgv.includes('--trace-exit')) return
    // what process.exit() calls after the 'exit' listeners; signal-exit and the like wrap it
    const reallyExit = (process as ExitingProcess).reallyExit
    if (typeof reallyExit !== 'function') return
    const exitCode = process.exitCode ?? code
    reallyExit.call(process, typeof exitCode === 'number' ? exitCode : Number(exitCode) || 0)
  }
  armed = listener
  process.on('exit', listener)
}
