/**
 * Process exit paths: `process.exit()`, an uncaught error or unhandled rejection (both end in the
 * 'exit' event), and SIGINT/SIGTERM/SIGHUP (which skip 'exit' by default). The callback runs
 * synchronously, once. A signal whose only listener is ours is re-raised afterwards so the process
 * still dies of it (exit code 128 + n); when the host has its own listeners, they decide, and the
 * run is recorded by the exit they make (or its end, when they keep it alive).
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

/** Marks unperf's own signal listeners (one per open instance, from any copy of unperf). */
const UNPERF_LISTENER = Symbol.for('unperf.exit.signal')

/**
 * Whether a listener of the host's will handle the signal. signal-exit's do not count (ora, execa,
 * ink, log-update, write-file-atomic … load it): signal-exit re-raises a signal only when its own
 * listeners are the only ones, so with unperf's beside them nobody did, and a host that loaded it
 * ignored Ctrl-C and SIGTERM. Its listeners are counted by its process-wide emitters (v4's on
 * globalThis, v3's on process), one listener per signal for each loaded copy.
 */
function hostListens(signal: NodeJS.Signals): boolean {
  const listeners = process.listeners(signal)
  const others = listeners.filter(l => !(l as { [UNPERF_LISTENER]?: true })[UNPERF_LISTENER]).length
  return others > signalExitListeners()
}

function signalExitListeners(): number {
  const count = (emitter: unknown) => {
    const n = (emitter as { count?: unknown } | undefined)?.count
    return typeof n === 'number' ? n : 0
  }
  return count((globalThis as Record<symbol, unknown>)[Symbol.for('signal-exit emitter')])
    + count((process as unknown as { __signal_exit_emitter__?: unknown }).__signal_exit_emitter__)
}

/**
 * The uncaught error the process is exiting of; or, `survived`, the last one a host listener kept
 * the process alive through before a later non-zero exit (named, not blamed: see ExitError).
 */
export interface Fatal { error: unknown; survived?: boolean }

/**
 * The code the process exits with, as an 'exit' listener sees it: process.exitCode as the listeners
 * before it left it, else `code`. Node's own listener for a top-level await that never settles
 * (added before any of the program's) sets process.exitCode to 13 in the 'exit' event that said 0.
 */
export function exitingCode(code: number): number {
  const set = process.exitCode ?? code
  return typeof set === 'number' ? set : Number(set) || 0
}

/** What the exit path calls: the code the process exits with, the signal, the uncaught error. */
export type OnExit = (exitCode: number, signal?: NodeJS.Signals, fatal?: Fatal) => void

/**
 * Removes the listeners (call it to uninstall); `retarget(onExit)` makes the same listeners call
 * another callback from now on, with no 'beforeExit' one, and each as late among the process's
 * listeners as a set installed now would be: what an uninstall and a new install did, without
 * removing and adding the listeners (a signal's last listener removed closes its handle, one
 * added opens another: ≈ 3 kB of young generation at every CLI's close, report/exit-code.ts).
 * `keep`: the listeners left where they are (for a callback that does nothing).
 * False, nothing changed, once the callback has run (the process is exiting).
 */
export interface ExitHandlers {
  (): void
  retarget(onExit: OnExit, keep?: boolean): boolean
}

/** Moves `listener` to the end of `event`'s listeners when another was added after it. */
function toEnd(event: string, listener: Parameters<typeof process.removeListener>[1]): void {
  if (process.listeners(event as 'exit').at(-1) !== listener) process.removeListener(event, listener).on(event, listener)
}

export function installExitHandlers(
  onExit: OnExit,
  onBeforeExit?: (exitCode: number) => void,
): ExitHandlers {
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
  const onProcessExit = (code: number) => {
    const exiting = exitingCode(code)
    run(exiting, undefined, exiting === 0 ? undefined : fatal ?? survived)
  }
  const onSignal = (signal: NodeJS.Signals) => {
    // the host's own listeners decide what the signal means: a process.exit() of theirs is an exit
    // like any other (recorded then, with its code); a run they keep alive goes on and its end is
    // recorded as it comes (it was recorded here as cut short, with 128 + n, and never again)
    if (hostListens(signal)) return
    const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }
    const code = codes[signal] ?? 1
    run(code, signal)
    uninstall()
    // nobody else ends the process of it: it dies of the signal, as without unperf (signal-exit's
    // listeners, seeing no other listener now, unload and re-raise it themselves). Windows has no
    // kill(2) to re-raise with (libuv throws ENOSYS: an uncaught error as the process died): the
    // code a shell gives a death by that signal
    try { process.kill(process.pid, signal) } catch { process.exit(code) }
  }
  Object.defineProperty(onSignal, UNPERF_LISTENER, { value: true })
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
  const uninstall: ExitHandlers = () => {
    process.removeListener('exit', onProcessExit)
    process.removeListener('beforeExit', onNaturalEnd)
    process.removeListener('uncaughtExceptionMonitor', onUncaught)
    for (const s of SIGNALS) process.removeListener(s, onSignal)
  }
  uninstall.retarget = (next, keep) => {
    if (done) return false
    onExit = next
    process.removeListener('beforeExit', onNaturalEnd)
    // the order a new set's listeners would have: after every listener added since (a host 'exit'
    // listener's process.exitCode is the one recorded, exitingCode)
    if (!keep) {
      toEnd('exit', onProcessExit)
      toEnd('uncaughtExceptionMonitor', onUncaught)
      for (const s of SIGNALS) toEnd(s, onSignal)
    }
    return true
  }
  return uninstall
}
