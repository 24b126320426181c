/**
 * recordExitCode: the exit code the process really ended with, written over the one a run recorded
 * at close: in its report.json while it is still that run's, and in its history line.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { recordExitCode, rememberHistoryRun } from '../../src/runtime/report/exit-code.js'
import { appendHistory, readHistory, type HistoryEntry } from '../../src/runtime/report/history.js'
import type { PerfReport } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'

const entry = (runId: string): HistoryEntry => ({
  v: 1, time: '2026-01-01T00:00:00.000Z', runId, pid: 1, name: 'acme', version: '1.0.0', env: 'test', exitCode: 0,
  commands: [], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [],
})

function written(dir: string, runId: string, pid: number): PerfReport {
  const report = { schemaVersion: 1, pid, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z', argv: ['x'], exitCode: 0, commands: [] } as unknown as PerfReport
  report.files = { report: join(dir, 'report.json'), history: join(dir, 'history.jsonl') }
  writeFileSync(report.files.report!, JSON.stringify(report), { mode: 0o600 })
  appendHistory({ report: { dir, history: 100 } } as unknown as ResolvedPerfConfig, entry(runId))
  rememberHistoryRun(report, { runId })
  return report
}

describe('recordExitCode', () => {
  it('rewrites the exitCode of report.json (in its place) and of the run\'s history line only', () => {
    const dir = tempDir('unperf-exit-code-')
    const before = written(dir, 'older', 1)
    const report = written(dir, 'mine', 2)
    recordExitCode(report, 5)
    const onDisk = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>
    expect(onDisk.exitCode).toBe(5)
    expect(Object.keys(onDisk)).toEqual(['schemaVersion', 'pid', 'startedAt', 'endedAt', 'argv', 'exitCode', 'commands', 'files'])
    expect(readHistory({ report: { dir, history: 100 } } as unknown as ResolvedPerfConfig).map(e => [e.runId, e.exitCode])).toEqual([['older', 0], ['mine', 5]])
    // the other run (an earlier one of this process) keeps its code
    expect(before.exitCode).toBe(0)
  })

  it("leaves report.json alone once another run's report replaced it; its history line still follows", () => {
    const dir = tempDir('unperf-exit-code-')
    const mine = written(dir, 'mine', 2)
    written(dir, 'later', 3) // a later run of another process wrote report.json since
    recordExitCode(mine, 7)
    expect((JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { pid: number; exitCode: number })).toMatchObject({ pid: 3, exitCode: 0 })
    expect(readHistory({ report: { dir, history: 100 } } as unknown as ResolvedPerfConfig).map(e => [e.runId, e.exitCode])).toEqual([['mine', 7], ['later', 0]])
  })
})
