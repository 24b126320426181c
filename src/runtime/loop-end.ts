/**
 * The natural end of the event loop ('beforeExit'): nothing is left that could settle a command still
 * running (a promise that never settles, tasks awaiting their own pool), so the exit path records it
 * as an error, not `ok`, and a stalled pool is named. Listened to while a pool exists (until close()),
 * and while commands run: added by the first command and removed when it ends, so a one-command CLI
 * without a pool keeps no listener; from a second command on (a service), kept until close(): at
 * most two process.on() per instance, never one per run.
 */
export class LoopEndWatch {
  private _listening = false
  private _kept = false
  private _started = 0
  private readonly _listener = (): void => this._onEnd()

  /** `canListen`: false once the instance closed, or without exit handlers (noExitHandlers). */
  constructor(private readonly _onEnd: () => void, private readonly _canListen: () => boolean) {}

  /** A pool exists: listened to until close(). */
  keep(): void {
    this._kept = true
    this._listen()
  }

  /** A command starts. */
  commandStarted(): void {
    if (this._started++ > 0) this._kept = true
    this._listen()
  }

  /** No command runs any more: the listener goes unless kept. */
  idle(): void {
    if (!this._kept) this.stop()
  }

  stop(): void {
    if (!this._listening) return
    this._listening = false
    process.removeListener('beforeExit', this._listener)
  }

  private _listen(): void {
    if (this._listening || !this._canListen()) return
    this._listening = true
    process.on('beforeExit', this._listener)
  }
}
