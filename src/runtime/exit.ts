/**
 * Process exit paths: `process.exit()`, an uncaught error or unhandled rejection (both end in the
 * 'exit' event), and SIGINT/SIGTERM/SIGHUP (which skip 'exit' by default). The callback runs
 * synchronously, once. A signal whose only listener is ours is re-raised afterwards so the process
 * still dies of it (exit code 128 + n); when the host has its own listeners, they decide.
 * An exit that an uncaught error causes (node's own, or a host 'uncaughtException' listener that
 * exits at once) hands the callback that error ('uncaughtExceptionMonitor' only observes: it
 * changes nothing in how the process handles the error).
 *
 * `onBeforeExit`, when given, runs at the natural end of the event loop ('beforeExit': nothing
 * left to do, no process.exit(), no fatal error), while asynchronous work can still run: work it
 * starts keeps the process alive until done, and 'beforeExit' then fires again (the callback is
 * called each time; it decides what to do again). Without it no 'beforeExit' listener is added.
 */
import { errorMessage } from '../errors.js'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * The uncaught error the process is exiting of; or, `survived`, the last one a host listener kept
 * the process alive through before a later non-zero exit (named, not blamed: see ExitError).
 */
export interface Fatal { error: unknown; survived?: boolean }

export function installExitHandlers(
  onExit: (exitCode: number, signal?: NodeJS.Signals, fatal?: Fatal) => void,
  onBeforeExit?: (exitCode: number) => void,
): () => void {
  let done = false
  let fatal: Fatal | undefined
  let survived: Fatal | undefined
  const run = (code: number, signal?: NodeJS.Signals, cause?: Fatal) => {
    if (done) return
    done = true
    try { onExit(code, signal, cause) } catch (error) {
      process.stderr.write(`[unperf] could not write the report at exit: ${errorMessage(error)}\n`)
    }
  }
  // node emits 'exit' synchronously after the monitor when the error is fatal (or when a host
  // listener calls process.exit() in it); a listener that keeps the process alive lets the
  // microtask clear it: a later exit is not that error's
  const onUncaught = (error: unknown) => {
    const seen = (fatal = { error })
    queueMicrotask(() => { if (fatal === seen) { fatal = undefined; survived = { error, survived: true } } })
  }
  const onProcessExit = (code: number) => run(code, undefined, code === 0 ? undefined : fatal ?? survived)
  const onSignal = (signal: NodeJS.Signals) => {
    const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }
    run(codes[signal] ?? 1, signal)
    if (process.listenerCount(signal) === 1) {
      uninstall()
      process.kill(process.pid, signal)
    }
  }
  const onNaturalEnd = (code: number) => {
    if (done) return
    try { onBeforeExit!(code) } catch (error) {
      process.stderr.write(`[unperf] could not close the run at the end of the event loop: ${errorMessage(error)}\n`)
    }
  }
  process.on('exit', onProcessExit)
  process.on('uncaughtExceptionMonitor', onUncaught)
  for (const s of SIGNALS) process.on(s, onSignal)
  if (onBeforeExit) process.on('beforeExit', onNaturalEnd)
  const uninstall = () => {
    process.removeListener('exit', onProcessExit)
    process.removeListener('beforeExit', onNaturalEnd)
    process.removeListener('uncaughtExceptionMonitor', onUncaught)
    for (const s of SIGNALS) process.removeListener(s, onSignal)
  }
  return uninstall
}
