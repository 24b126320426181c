/**
 * The rewrite behind recordExitCode() (exit-code.ts): report.json's `exitCode` and the run's history
 * line, when the process exits with another code than the one its run recorded at close. A deferred
 * module (scripts/build.mjs): a process whose exit code is the one recorded never loads it.
 */
import { dirname } from 'node:path'
import type { PerfReport } from '../types.js'
import type { WrittenRun } from './exit-code.js'
import { driverKey, notePendingRun } from './history-driver-pending.js'
import { writeFileAtomicSync } from '../write-file-atomic.js'
import { readFileNoFollowSync } from '../read-file-no-follow.js'
import { waitForLockFile } from '../lock-file.js'
import { encodeLine, LOCK_STALE_MS, parseLines, type HistoryEntry } from './history.js'

/**
 * Writes `exitCode` (already set on `report`; `changed`: it was another) into the run's files, and
 * notes for `report.historyDriver` (a network write cannot be made at exit) the code of the run's
 * entry written there, or the whole entry when the process exits while it is being written: the
 * next run of this machine sets it (history-driver-pending.ts). Failures said on stderr, never thrown.
 */
export function rewriteExitCode(report: PerfReport, exitCode: number, run: WrittenRun | undefined, changed: boolean): void {
  const files = report.files
  if (!files) return
  try {
    if (changed && files.report) rewriteReportExitCode(files.report, report, exitCode)
    if (changed && files.history && run) setHistoryExitCode(files.history, run.runId, exitCode)
    const entry = run?.driverEntry
    if (entry && files.history) {
      const key = driverKey(entry)
      notePendingRun(dirname(files.history), run.driverWritten ? { key, exitCode } : { key, entry: { ...entry, exitCode } })
    }
  } catch (error) {
    process.stderr.write(`[unperf] could not record the exit code ${exitCode} of this run: ${error instanceof Error ? error.message : String(error)}\n`)
  }
}

/**
 * A run closed by the synchronous exit path (`process.exit()`, a fatal error, a signal while perf
 * was open) with `report.historyDriver` set: its entry, written to the local history, is noted for
 * the shared one, which the next run of this machine writes it to.
 */
export function noteUnsentRun(reportDir: string, entry: HistoryEntry): void {
  try {
    notePendingRun(reportDir, { key: driverKey(entry), entry })
  } catch (error) {
    process.stderr.write(`[unperf] could not keep this run for report.historyDriver: ${error instanceof Error ? error.message : String(error)}\n`)
  }
}

function rewriteReportExitCode(file: string, report: PerfReport, exitCode: number): void {
  let onDisk: Record<string, unknown>
  try { onDisk = JSON.parse(readFileNoFollowSync(file)) as Record<string, unknown> } catch { return }
  // another run's report by now (a later process, or a later run of this one): not ours to change
  if (onDisk.pid !== report.pid || onDisk.startedAt !== report.startedAt || onDisk.endedAt !== report.endedAt) return
  // exitCode where buildReport puts it (after argv), for a report that had none
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(onDisk)) {
    if (key === 'exitCode') continue
    out[key] = value
    if (key === 'argv') out.exitCode = exitCode
  }
  if (!('exitCode' in out)) out.exitCode = exitCode
  writeFileAtomicSync(file, JSON.stringify(out), { unlinkFirst: true })
}

/**
 * Sets the exit code of the run `runId` in the history file (the process exited with another code
 * than the one its line was written with): that line rewritten, the file replaced atomically under
 * the lock. Synchronous (the exit handler). False when the line is not there (capped away, the file
 * removed): nothing is written then. False too, said on stderr, when the lock stays held for 1 s:
 * replacing the whole file without it dropped the lines other processes appended meanwhile (their
 * runs lost, for this run's exit code).
 */
export function setHistoryExitCode(file: string, runId: string, exitCode: number): boolean {
  const release = waitForLockFile(`${file}.lock`, { staleMs: LOCK_STALE_MS, timeoutMs: 1_000, pollMs: 5 })
  if (!release) {
    process.stderr.write(`[unperf] the exit code ${exitCode} of this run is not recorded in ${file}: another process held its lock (the line keeps the code known at close)\n`)
    return false
  }
  try {
    let text: string
    try { text = readFileNoFollowSync(file) } catch { return false }
    const at = text.lastIndexOf(`"runId":${JSON.stringify(runId)}`)
    if (at === -1) return false
    const start = text.lastIndexOf('\n', at) + 1
    let end = text.indexOf('\n', at)
    if (end === -1) end = text.length
    const [entry] = parseLines(text.slice(start, end))
    if (!entry || entry.runId !== runId) return false
    const line = encodeLine({ ...entry, exitCode })
    writeFileAtomicSync(file, text.slice(0, start) + line + text.slice(Math.min(end + 1, text.length)))
    return true
  } finally {
    release()
  }
}
