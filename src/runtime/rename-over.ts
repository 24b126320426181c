/**
 * renameSync() of a temp file over its target, the last step of an atomic write: on Windows, where a
 * scanner holding the file makes it fail for a moment, retried briefly (rename-retry.ts, loaded
 * there only); elsewhere the plain call. The same for a rename that claims a file (renameClaimSync).
 * The async forms, off the start path: drivers/_fs-calls.ts renameOver, renameClaim.
 */
import { renameSync } from 'node:fs'
import { renameRetryingSync } from './rename-retry.js'

export function renameOverSync(from: string, to: string): void {
  if (process.platform === 'win32') renameRetryingSync(from, to)
  else renameSync(from, to)
}

/**
 * A rename that claims a file by moving it to a name of the caller's own (a stale lock onto its
 * claim, noted runs or removals to take, a cache entry aside): on Windows a scanner holding it is
 * waited out as above; ENOENT (another process moved it first, or there was none) and every other
 * code are thrown at once, as they are elsewhere.
 */
export const renameClaimSync = renameOverSync
