/**
 * rename() of a temp file over its target, the last step of an atomic write: on Windows, where a
 * scanner holding the file makes it fail for a moment, retried briefly (rename-retry.ts, loaded
 * there only); elsewhere the plain call.
 */
import { renameSync } from 'node:fs'
import { rename } from '../drivers/_fs-calls.js'
import { renameRetrying, renameRetryingSync } from './rename-retry.js'

export function renameOverSync(from: string, to: string): void {
  if (process.platform === 'win32') renameRetryingSync(from, to)
  else renameSync(from, to)
}

export function renameOver(from: string, to: string): Promise<void> {
  return process.platform === 'win32' ? renameRetrying(from, to) : rename(from, to)
}
