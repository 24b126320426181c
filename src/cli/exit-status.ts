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
