/**
 * A command the CLI runs for the user (`bench`, `profile`) is started in a process group of its own
 * (`detached`: its own session), so a signal that stops unperf reaches all of it: the shell, the
 * command and its own children. Sent to unperf's pid alone (`kill -INT <pid>` from a CI runner or a
 * supervisor), a signal used to end unperf and leave the command running, orphaned. Passing it on
 * to the group also makes Ctrl-C reach the command once: the terminal signals unperf's group only.
 *
 * Windows has no process groups (process.kill(-pid) fails there) and `detached` is a new console,
 * which Ctrl-C never reaches: there the command shares unperf's console (the console's Ctrl-C and
 * close events reach it as they reach unperf: the only stop signals node emits on Windows), and a
 * SIGKILL is `taskkill /T /F` on its process tree while its first process runs (libuv puts only that
 * one in the job Windows kills with unperf; a pid whose process ended may be another's by then).
 * Read, not run: no Windows machine runs these tests; the choices are tested as pure functions.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process'

/** The signals passed on to the command's group (SIGHUP: the terminal closed, which the group's own session does not see). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
export type StopSignal = typeof STOP_SIGNALS[number]

/** Sends `signal` to the process group `group` leads; a group already gone is no error. */
export function killGroup(group: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (group !== undefined) process.kill(-group, signal)
  } catch {
    // gone already
  }
}

/** spawn() in a process group (and session) of its own: the group's id is the child's pid (Windows: in unperf's console). */
export function spawnInGroup(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn(file, args, groupSpawnOptions(options))
}

export function groupSpawnOptions(options: SpawnOptions, platform: NodeJS.Platform = process.platform): SpawnOptions {
  return platform === 'win32' ? options : { ...options, detached: true }
}

/** What stopping a command's group with a signal does: a signal to the group, or (Windows) a command and the child's own kill. */
export type StopStep =
  | { kill: 'group'; pid: number; signal: NodeJS.Signals }
  | { kill: 'tree'; file: string; args: string[] }
  | { kill: 'child' }

/**
 * The steps that pass `signal` on to the group of `child` (`running`: it has not exited). POSIX:
 * the signal to its group, ended or not (it may outlive its leader). Windows: a SIGKILL ends the
 * tree while the child runs (taskkill, then the child itself should taskkill be missing); another
 * signal came from the console the command shares, which has delivered it already.
 */
export function stopSteps(pid: number | undefined, signal: NodeJS.Signals, running: boolean, platform: NodeJS.Platform = process.platform): StopStep[] {
  if (pid === undefined) return []
  if (platform !== 'win32') return [{ kill: 'group', pid, signal }]
  if (signal !== 'SIGKILL' || !running) return []
  return [{ kill: 'tree', file: 'taskkill', args: ['/pid', String(pid), '/T', '/F'] }, { kill: 'child' }]
}

/** Passes `signal` on to the group `child` leads (stopSteps); a group already gone is no error. */
export function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  const running = child.exitCode === null && child.signalCode === null
  for (const step of stopSteps(child.pid, signal, running)) {
    if (step.kill === 'group') killGroup(step.pid, step.signal)
    else if (step.kill === 'tree') spawnSync(step.file, step.args, { stdio: 'ignore', windowsHide: true })
    else child.kill('SIGKILL')
  }
}

/**
 * How a shell runs `script`: `sh -c` (POSIX); on Windows cmd.exe as node's `shell: true` starts it
 * (`/d /s /c "<script>"`, verbatim: /s takes what is between the outer quotes as it is), from
 * %ComSpec% when that names cmd.exe (a full path: no cmd.exe looked up in the cwd first).
 */
export function shellCommand(script: string, platform: NodeJS.Platform = process.platform, comspec = process.env.ComSpec): { file: string; args: string[]; options: SpawnOptions } {
  if (platform !== 'win32') return { file: 'sh', args: ['-c', script], options: {} }
  const file = comspec && /^(?:.*\\)?cmd(?:\.exe)?$/i.test(comspec) ? comspec : 'cmd.exe'
  return { file, args: ['/d', '/s', '/c', `"${script}"`], options: { windowsVerbatimArguments: true } }
}

/** What runInGroup does after passing a stop signal on: SIGKILL the group if it has not ended. */
export interface GroupStop {
  /** How long the group has to end after the signal is passed on, ms (a second signal: SIGKILL at once). */
  graceMs: number
  /**
   * Whether a process of the group is ending on its own (past its exit, writing what it keeps then:
   * a profile): SIGKILL waits for it, polled every 250 ms, up to `endingMaxMs` past the grace.
   */
  ending?: () => boolean
  endingMaxMs?: number
}

export interface GroupResult {
  status: number | null
  signal: NodeJS.Signals | null
  /** The error that kept it from starting. */
  error?: Error
  /** The signal passed on, when unperf got one. */
  stoppedBy?: NodeJS.Signals
  /** The group was still there once the grace was over: SIGKILLed. */
  killedAfterGrace?: boolean
}

/**
 * Runs the command in its own group until it ends, passing a stop signal unperf gets on to the
 * group; with `stop`, SIGKILL to what is left of the group once its grace is over (a second signal:
 * at once), the command's own end waiting for the rest of its group until then. Resolves with how
 * it ended, or the error that kept it from starting.
 *
 * `unperf bench` has its own grace-then-SIGKILL (bench-run.ts BenchRunner), on purpose: it listens
 * for the signals over a whole benchmark of many runs (not one command's), rejects every run once
 * stopped, times each run to its shell's exit and SIGKILLs a stopped group's leftovers at once, where
 * this one waits for a process still writing its profile (`ending`).
 */
export function runInGroup(file: string, args: readonly string[], options: SpawnOptions, stop?: GroupStop): Promise<GroupResult> {
  return new Promise(resolve => {
    const child = spawnInGroup(file, args, options)
    let stoppedBy: NodeJS.Signals | undefined
    let killedAfterGrace = false
    let ended: GroupResult | undefined
    let timer: NodeJS.Timeout | undefined
    let deadline = 0
    const finish = () => {
      clearTimeout(timer)
      for (const s of STOP_SIGNALS) process.off(s, pass)
      resolve(stoppedBy ? { ...ended!, stoppedBy, ...(killedAfterGrace && { killedAfterGrace }) } : ended!)
    }
    // the grace is over: SIGKILL to the group, unless one of it is ending on its own (then until the deadline)
    const expire = () => {
      if (stop?.ending?.() && Date.now() < deadline) { timer = setTimeout(expire, 250); return }
      killedAfterGrace = true
      stopGroup(child, 'SIGKILL')
    }
    const pass = (signal: NodeJS.Signals) => {
      if (stoppedBy !== undefined) return stopGroup(child, 'SIGKILL')
      stoppedBy = signal
      stopGroup(child, signal)
      if (!stop) return
      deadline = Date.now() + stop.graceMs + (stop.endingMaxMs ?? 0)
      timer = setTimeout(expire, stop.graceMs)
    }
    for (const s of STOP_SIGNALS) process.on(s, pass)
    // stopped, the command ended: the rest of its group (a child ignoring the signal) has the grace too, then SIGKILL
    const waitForGroup = () => {
      if (!killedAfterGrace && groupAlive(child.pid)) setTimeout(waitForGroup, 100)
      else finish()
    }
    const done = (result: GroupResult) => {
      ended = result
      if (stoppedBy !== undefined && stop && !killedAfterGrace) waitForGroup()
      else finish()
    }
    child.once('error', error => done({ status: null, signal: null, error }))
    child.once('close', (status: number | null, signal: NodeJS.Signals | null) => done({ status, signal }))
  })
}

/** Whether any process of the group `group` leads is left. */
function groupAlive(group: number | undefined): boolean {
  // Windows: no groups; what is left of the tree once its first process ended cannot be told apart from a pid reused
  if (group === undefined || process.platform === 'win32') return false
  try { process.kill(-group, 0); return true } catch { return false }
}
