/**
 * A local tier's (fs) failing calls as incidents, as a remote tier's guard tells its outages: a
 * cache dir that is read-only, full (ENOSPC, EDQUOT), not this user's (EACCES) or refused as unsafe
 * fails every call the same way, and each call fired `cache:error` (10 000 writes, 10 000 events for
 * a plugin forwarding them to a tracker). A cause (the error's code) is told once until a call of
 * that kind succeeds again; reads and writes apart (on a read-only dir reads succeed, as misses,
 * while every write fails: a wrap() does both). The caller's own value (`E_VALUE`) is told per call.
 * Every failed call is still counted (NamespaceEvents.failed).
 */
import { errorMessage } from '../errors.js'

export class LocalIncidents {
  /** The causes told since the last call of their kind succeeded, `r` or `w` then the cause; undefined while calls succeed. */
  private _failing: Set<string> | undefined

  /** A read (`r`) or write (`w`) failed: whether it is news (its cause not told since a call of that kind succeeded). */
  failed(op: 'r' | 'w', error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'E_VALUE') return true
    const cause = op + (typeof code === 'string' ? code : errorMessage(error))
    const failing = (this._failing ??= new Set())
    if (failing.has(cause)) return false
    failing.add(cause)
    return true
  }

  /** Writes are failing (a cause of `w` told and no write stored since). */
  get writesFailing(): boolean {
    const failing = this._failing
    if (failing === undefined) return false
    for (const cause of failing) if (cause[0] === 'w') return true
    return false
  }

  /** A call of that kind succeeded: its incidents are over (the next failure is told again). */
  over(op: 'r' | 'w'): void {
    const failing = this._failing
    if (failing === undefined) return
    for (const cause of failing) if (cause[0] === op) failing.delete(cause)
    if (failing.size === 0) this._failing = undefined
  }
}
