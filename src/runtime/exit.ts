/**
 * Process exit paths: `process.exit()`, an uncaught error or unhandled rejection (both end in the
 * 'exit' event), and SIGINT/SIGTERM/SIGHUP (which skip 'exit' by default). The callback runs
 * synchronously, once. A signal whose only listener is ours is re-raised afterwards so the process
 * still dies of it (exit code 128 + n); when the host has its own listeners, they decide.
 */
import { errorMessage } from '../errors.js'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export function installExitHandlers(onExit: (exitCode: number, signal?: NodeJS.Signals) => void): () => void {
  let done = false
  const run = (code: number, signal?: NodeJS.Signals) => {
    if (done) return
    done = true
    try { onExit(code, signal) } catch (error) {
      process.stderr.write(`[unperf] could not write the report at exit: ${errorMessage(error)}\n`)
    }
  }
  const onProcessExit = (code: number) => run(code)
  const onSignal = (signal: NodeJS.Signals) => {
    const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }
    run(codes[signal] ?? 1, signal)
    if (process.listenerCount(signal) === 1) {
      uninstall()
      process.kill(process.pid, signal)
    }
  }
  process.on('exit', onProcessExit)
  for (const s of SIGNALS) process.on(s, onSignal)
  const uninstall = () => {
    process.removeListener('exit', onProcessExit)
    for (const s of SIGNALS) process.removeListener(s, onSignal)
  }
  return uninstall
}
