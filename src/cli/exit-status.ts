/**
 * How a child process ended, as a shell reports it (`$?`): its exit code, or 128 + n when signal n
 * killed it (SIGTERM: 143). `unperf profile` exits with it; `unperf bench` names it.
 */
import { constants } from 'node:os'

export function exitStatus(r: { status: number | null; signal: NodeJS.Signals | null }): number {
  if (r.status !== null) return r.status
  const n = r.signal ? constants.signals[r.signal] : undefined
  return n === undefined ? 1 : 128 + n
}

/** `exit 3`, `killed by SIGTERM`: how the command ended, in words ('exit null' said nothing). */
export function exitText(r: { status: number | null; signal: NodeJS.Signals | null }): string {
  return r.signal ? `killed by ${r.signal}` : `exit ${r.status}`
}

/**
 * What a POSIX shell's 127 and 126 mean, said after the code (` (…)`, else ''): bench discards the
 * command's output, where the shell said `sh: 1: nodee: not found`, and 'exited with code 127' left
 * a typo in a CI step to be found by running it again by hand. cmd.exe has no such codes.
 */
export function shellCodeMeaning(code: number, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return ''
  return code === 127 ? ' (the shell found no such command)' : code === 126 ? ' (the shell found the command but could not run it: not executable?)' : ''
}

let byNumber: Map<number, NodeJS.Signals> | undefined

/**
 * The signal that ended a command run through a shell: the shell's own (the shell was killed), else
 * the one its status names, 128 + n (a command under the shell was killed: the shell reports it so,
 * `kill -9` → 137). null: it exited. A command that itself exits 129 and above reads as killed, as
 * a shell prompt shows it: dash gives the same status for both, and node sees the shell's wait status
 * only (hyperfine names a signal only when its shell died of one; docs/_tail.md says why unperf does not).
 * On Windows no status means a signal (cmd.exe reports its command's exit code as it is, and a
 * process ended by taskkill or Ctrl-C exits 1 or 0xC000013A): a command exiting 130 exited 130.
 */
export function shellSignal(r: { status: number | null; signal: NodeJS.Signals | null }, platform: NodeJS.Platform = process.platform): NodeJS.Signals | null {
  if (r.signal) return r.signal
  if (r.status === null || r.status <= 128 || platform === 'win32') return null
  byNumber ??= new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]))
  return byNumber.get(r.status - 128) ?? null
}
