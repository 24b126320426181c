/**
 * What `report.historyDriver` still has to learn about runs of this machine. A run's entry goes to
 * the shared history at close; the exit listener can only work synchronously (no network write):
 * - the process exits with another code than the one the entry was written with (a host timer's
 *   `process.exit(5)`, citty's own `runMain` exiting 1): the code is noted, `{ key, exitCode }`;
 * - the process exits while the entry is being written (that timer fired during close: the import
 *   of ioredis and the round trips take longer than a short timer): the whole entry is noted,
 *   `{ key, entry }`, with the code the process exits with.
 * The note is one line in the report dir (0600, never through a symlink). The next run of the
 * project on this machine that writes the shared history applies it (a noted code changes only
 * `exitCode` of an entry still there) and removes it. A machine that never runs the CLI again (a
 * CI job's last run) leaves the shared copy as it was at close, or without that run.
 */
import { unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { APPEND_NO_FOLLOW, writeFileNoFollowSync } from '../write-file-atomic.js'
import { readFileNoFollowSync } from '../read-file-no-follow.js'
import type { HistoryEntry } from './history.js'
import { renameClaimSync } from '../rename-over.js'

export const PENDING_FILE = 'history-driver-pending.jsonl'

/** The key of a run's entry in the shared history. */
export function driverKey(entry: Pick<HistoryEntry, 'time' | 'runId'>): string {
  return `run:${entry.time}:${entry.runId}`
}

/** A run's shared entry (`key` in the driver) to get `exitCode`, or to be written whole (`entry`). */
export type PendingRun = { key: string; exitCode: number } | { key: string; entry: HistoryEntry }

/** Notes what the driver is to get (synchronous: the exit path). */
export function notePendingRun(reportDir: string, pending: PendingRun): void {
  writeFileNoFollowSync(join(reportDir, PENDING_FILE), `${JSON.stringify(pending)}\n`, APPEND_NO_FOLLOW)
}

/**
 * The noted runs, taken out of the file (renamed away first, so a process noting one meanwhile
 * starts a new file and loses nothing); the last note of each key wins. None when there is no file
 * (the usual case: one failed rename, ENOENT, never retried; on Windows a scanner holding the file
 * is waited out, rename-over.ts). Lines that are not such a note are skipped.
 */
export function takePendingRuns(reportDir: string): PendingRun[] {
  const file = join(reportDir, PENDING_FILE)
  const taken = `${file}.${process.pid}`
  try {
    renameClaimSync(file, taken)
  } catch {
    return []
  }
  let text = ''
  try {
    text = readFileNoFollowSync(taken)
  } catch {
    return []
  } finally {
    try { unlinkSync(taken) } catch { /* gone */ }
  }
  const byKey = new Map<string, PendingRun>()
  for (const line of text.split('\n')) {
    if (!line) continue
    try {
      const p = JSON.parse(line) as { key?: unknown; exitCode?: unknown; entry?: HistoryEntry }
      if (typeof p.key !== 'string' || !p.key.startsWith('run:')) continue
      if (Number.isInteger(p.exitCode)) byKey.set(p.key, { key: p.key, exitCode: p.exitCode as number })
      else if (p.entry?.v === 1 && Array.isArray(p.entry.commands) && p.key === driverKey(p.entry)) byKey.set(p.key, { key: p.key, entry: p.entry })
    } catch { /* a line cut short */ }
  }
  return [...byKey.values()]
}

/** Puts notes the driver could not take back in the file, for the next run. */
export function returnPendingRuns(reportDir: string, pending: PendingRun[]): void {
  if (pending.length === 0) return
  try {
    writeFileNoFollowSync(join(reportDir, PENDING_FILE), pending.map(p => `${JSON.stringify(p)}\n`).join(''), APPEND_NO_FOLLOW)
  } catch { /* the report dir went away: nothing more to do */ }
}
