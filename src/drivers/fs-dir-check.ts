/**
 * The fs tier's dir checked safe before its first use (cache-dir-safety.ts): the dir and its two
 * parents (the scope's dir, the cache root) are the user's and not writable by others, the dir and
 * its scope's no symlinks. Once per tier; a refusal is kept, so every later call of the tier is
 * refused alike.
 */
import { dirname } from 'node:path'
import { dirSafeSync, refuseSymlinkedDir } from './cache-dir-safety.js'

export class FsDirCheck {
  /** The check passed: the hot paths skip it. */
  ok = false
  /** The check's refusal, kept. */
  private _refused: unknown

  constructor(private readonly _dir: string) {}

  /**
   * Sync, each dir looked at once per process (twenty plugin namespaces share their two parents:
   * 22 lstats, not 66), throwing: the tier's callers are async, so it is their rejection.
   */
  check(): void {
    if (this._refused !== undefined) throw this._refused
    try {
      const scope = dirname(this._dir)
      // in the order the three awaited together were settled (the first refused is the one named);
      // a dir not made yet passes (its writer makes it 0700)
      dirSafeSync(this._dir)
      dirSafeSync(scope)
      dirSafeSync(dirname(scope))
      // the namespace dir and its scope's are unperf's own: never symlinks
      refuseSymlinkedDir(this._dir)
      refuseSymlinkedDir(scope)
      this.ok = true
    } catch (error) {
      this._refused = error
      throw error
    }
  }

  /** check() for the background scans: false when refused. */
  forScan(): boolean {
    try { this.check(); return true } catch { return false }
  }
}
