/**
 * The runs of `unperf bench`: each command (and `--prepare`) through `sh -c` (Windows: cmd.exe,
 * child-group.ts shellCommand), started in a process
 * group of its own (child-group.ts), so a signal that stops the benchmark (SIGINT, SIGTERM, SIGHUP
 * sent to unperf's pid by a CI runner or a supervisor, or Ctrl-C) ends the whole command, its own
 * children included: with spawnSync, unperf died and the command ran on to its end, orphaned.
 *
 * The wall time of a run is from spawn() to the child's exit, as spawnSync's was from its call to
 * its return; the shell's spawn cost, the same either way, is measured on `:` and subtracted.
 */
import { constants } from 'node:os'
import { BenchInterruptedError } from '../cli-errors.js'
import type { ChildProcess } from 'node:child_process'
import { shellCommand, spawnInGroup, stopGroup, STOP_SIGNALS, type StopSignal } from './child-group.js'

/** How long a command's group has to end after the signal is passed on, before SIGKILL (a second signal: at once). */
const GRACE_MS = 2000

export interface ShellRun {
  /** Wall time from spawn to exit, seconds. */
  seconds: number
  status: number | null
  signal: NodeJS.Signals | null
  /** What the shell wrote on stderr (with `stderr: true`). */
  stderr: string
}

/**
 * Runs shell scripts one at a time, each in its own process group, while it listens for the stop
 * signals: the first one is passed on to the running group (SIGKILL after GRACE_MS, or at a second
 * signal), and the run, and every later one, rejects with a BenchInterruptedError. close() stops listening.
 *
 * Not runInGroup (child-group.ts, `unperf profile`'s grace-then-SIGKILL for one command), on
 * purpose: the signals are listened for over the whole benchmark (one between two runs, or during
 * the statistics, still stops it and fails every later run), a run's wall time ends at the shell's
 * exit and its stderr is read, and once a stopped shell has ended the rest of its group is SIGKILLed
 * at once (a background job: nothing of it is kept), where profile gives the rest its grace and
 * waits for a process writing its profile. What both share is child-group.ts's spawnInGroup and stopGroup.
 */
export class BenchRunner {
  /** The first stop signal received. */
  stopped: StopSignal | undefined
  private _group: ChildProcess | undefined
  private _killTimer: NodeJS.Timeout | undefined
  private readonly _onSignal = (signal: StopSignal): void => {
    const again = this.stopped !== undefined
    this.stopped ??= signal
    if (this._group === undefined) return
    this._kill(again ? 'SIGKILL' : signal)
    if (!again) this._killTimer ??= setTimeout(() => this._kill('SIGKILL'), GRACE_MS)
  }

  constructor(private readonly _cwd: string, private readonly _env: NodeJS.ProcessEnv) {
    for (const s of STOP_SIGNALS) process.on(s, this._onSignal)
  }

  /** Runs `sh -c script` (cmd.exe on Windows), its stdin and stdout discarded (and its stderr, unless `stderr`). */
  run(script: string, stderr = false): Promise<ShellRun> {
    if (this.stopped !== undefined) return Promise.reject(new BenchInterruptedError(this.stopped))
    return new Promise<ShellRun>((resolve, reject) => {
      const t0 = process.hrtime.bigint()
      const shell = shellCommand(script)
      const child = spawnInGroup(shell.file, shell.args, { ...shell.options, cwd: this._cwd, env: this._env, stdio: ['ignore', 'ignore', stderr ? 'pipe' : 'ignore'] })
      this._group = child
      let seconds = 0
      let text = ''
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
      child.once('exit', () => { seconds = Number(process.hrtime.bigint() - t0) / 1e9 })
      child.once('error', error => { this._over(); reject(error) })
      child.once('close', (status: number | null, signal: NodeJS.Signals | null) => {
        this._over()
        if (this.stopped !== undefined) reject(new BenchInterruptedError(this.stopped))
        else resolve({ seconds, status, signal, stderr: text })
      })
    })
  }

  /** Stops listening for the stop signals (their default action is back: a signal now ends unperf). */
  close(): void {
    for (const s of STOP_SIGNALS) process.off(s, this._onSignal)
    this._over()
  }

  private _over(): void {
    // the group may outlive its shell (a command's background job): ended with the benchmark
    if (this.stopped !== undefined && this._group !== undefined) this._kill('SIGKILL')
    this._group = undefined
    clearTimeout(this._killTimer)
    this._killTimer = undefined
  }

  private _kill(signal: NodeJS.Signals): void {
    if (this._group) stopGroup(this._group, signal)
  }
}

/** The status a stopped benchmark exits with, as a shell reports a command a signal ended: 128 + n (SIGINT: 130). */
export function stopStatus(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0)
}

/** The command the shell's spawn time is measured on: it does nothing. */
export const EMPTY_COMMAND = ':'

/**
 * The shell script of a timed run of `command`, and whether it writes the shell's `times` on
 * stderr (the user and system times of its children; the command's own output discarded, its status
 * kept). cmd.exe (Windows) has no `times` (user and system are not measured there: 0) and no `:`
 * (`exit 0` does nothing the same): the command is run as it is, its stdio the runner's NUL (a
 * group around it would end at the first `)` of the command's own).
 */
export function benchScript(command: string, platform: NodeJS.Platform = process.platform): { script: string; times: boolean } {
  if (platform === 'win32') return { script: command === EMPTY_COMMAND ? 'exit 0' : command, times: false }
  // the newline before ')' ends a trailing '# comment' in the command, which would swallow the ')'
  return { script: `(${command}\n) >/dev/null 2>&1 </dev/null; __unperf_status=$?; times >&2; exit $__unperf_status`, times: true }
}
