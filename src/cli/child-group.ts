/**
 * A command the CLI runs for the user (`bench`, `profile`) is started in a process group of its own
 * (`detached`: its own session), so a signal that stops unperf reaches all of it: the shell, the
 * command and its own children. Sent to unperf's pid alone (`kill -INT <pid>` from a CI runner or a
 * supervisor), a signal used to end unperf and leave the command running, orphaned. Passing it on
 * to the group also makes Ctrl-C reach the command once: the terminal signals unperf's group only.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

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

/** spawn() in a process group (and session) of its own: the group's id is the child's pid. */
export function spawnInGroup(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn(file, args, { ...options, detached: true })
}

/**
 * Runs the command in its own group until it ends, passing a stop signal unperf gets on to the
 * group (a second one: SIGKILL). Resolves with how it ended, or the error that kept it from starting.
 */
export function runInGroup(file: string, args: readonly string[], options: SpawnOptions): Promise<{ status: number | null; signal: NodeJS.Signals | null; error?: Error }> {
  return new Promise(resolve => {
    const child = spawnInGroup(file, args, options)
    let received = false
    const pass = (signal: NodeJS.Signals) => {
      killGroup(child.pid, received ? 'SIGKILL' : signal)
      received = true
    }
    for (const s of STOP_SIGNALS) process.on(s, pass)
    const done = (result: { status: number | null; signal: NodeJS.Signals | null; error?: Error }) => {
      for (const s of STOP_SIGNALS) process.off(s, pass)
      resolve(result)
    }
    child.once('error', error => done({ status: null, signal: null, error }))
    child.once('close', (status: number | null, signal: NodeJS.Signals | null) => done({ status, signal }))
  })
}
