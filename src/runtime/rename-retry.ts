/**
 * A rename on Windows fails for a few milliseconds with EPERM, EBUSY or EACCES while an antivirus,
 * the search indexer or a backup agent has the file or its target open (they open without
 * FILE_SHARE_DELETE); graceful-fs (up to 60 s) and write-file-atomic retry it. unperf's atomic writes
 * do too, on Windows only (rename-over.ts), and briefly: ≈ 1 s in all, the sync form sleeping with
 * Atomics.wait (it runs on the exit path, where no timer fires). Elsewhere these codes are answers
 * (a dir not writable stays so) and thrown at once. Loaded on Windows only (a DEFERRED module).
 */
import { rename, renameSync } from 'node:fs'

const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES'])
/** How long the retries go on, ms: past it the last error is thrown. */
export const RETRY_FOR_MS = 1000

type RenameSync = (from: string, to: string) => void
type RenameAsync = (from: string, to: string) => Promise<void>

const renameAsync: RenameAsync = (from, to) => new Promise((resolve, reject) => rename(from, to, error => (error ? reject(error) : resolve())))

/** The wait before the next try, ms, once `waited` ms were waited: 10, 10, 20, 40, 80, then 100 (≈ 14 tries). */
function nextWait(waited: number): number | undefined {
  return waited >= RETRY_FOR_MS ? undefined : Math.min(100, Math.max(10, waited))
}

function retryAfter(error: unknown, waited: number): number | undefined {
  return TRANSIENT.has((error as NodeJS.ErrnoException | undefined)?.code ?? '') ? nextWait(waited) : undefined
}

/** renameSync, a transient EPERM/EBUSY/EACCES retried for up to RETRY_FOR_MS. `renameFile`: for tests. */
export function renameRetryingSync(from: string, to: string, renameFile: RenameSync = renameSync): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  for (let waited = 0; ;) {
    try { return renameFile(from, to) } catch (error) {
      const ms = retryAfter(error, waited)
      if (ms === undefined) throw error
      Atomics.wait(sleeper, 0, 0, ms)
      waited += ms
    }
  }
}

/** The same, asynchronously (timers between the tries). */
export async function renameRetrying(from: string, to: string, renameFile: RenameAsync = renameAsync): Promise<void> {
  for (let waited = 0; ;) {
    try { return await renameFile(from, to) } catch (error) {
      const ms = retryAfter(error, waited)
      if (ms === undefined) throw error
      await new Promise(resolve => setTimeout(resolve, ms))
      waited += ms
    }
  }
}
