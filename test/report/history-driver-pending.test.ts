/**
 * The note of what report.historyDriver has to learn at the next run: taken once, never read
 * through a symlink, only well-formed notes kept (the last of each run).
 */
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { notePendingRun, PENDING_FILE, returnPendingRuns, takePendingRuns } from '../../src/runtime/report/history-driver-pending.js'
import type { HistoryEntry } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'

const entry = (runId: string): HistoryEntry => ({
  v: 1, time: '2026-01-01T00:00:00.000Z', runId, pid: 1, name: 'acme', version: '1.0.0', env: 'test', exitCode: 0,
  commands: [], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [],
})

describe('history-driver-pending', () => {
  it('takes the notes once (0600 file), the last note of a run winning; lines that are no note are skipped', () => {
    const dir = tempDir('unperf-pending-')
    notePendingRun(dir, { key: 'run:2026-01-01T00:00:00.000Z:a', exitCode: 5 })
    notePendingRun(dir, { key: 'run:2026-01-01T00:00:00.000Z:b', entry: entry('b') })
    notePendingRun(dir, { key: 'run:2026-01-01T00:00:00.000Z:a', exitCode: 7 })
    expect(statSync(join(dir, PENDING_FILE)).mode & 0o777).toBe(0o600)
    writeFileSync(join(dir, PENDING_FILE), [
      '{"key":"other:x","exitCode":1}', // not a run's key
      '{"key":"run:2026-01-01T00:00:00.000Z:c","entry":{"v":1,"time":"2026-01-01T00:00:00.000Z","runId":"d","commands":[]}}', // key of another run
      '{"key":"run:2026-01-01T00:00:00.000Z:e","exitCode":1.5}',
      '{"key":"run:x:f","ex', // cut short
    ].join('\n') + '\n', { flag: 'a' })
    expect(takePendingRuns(dir)).toEqual([
      { key: 'run:2026-01-01T00:00:00.000Z:a', exitCode: 7 },
      { key: 'run:2026-01-01T00:00:00.000Z:b', entry: entry('b') },
    ])
    expect(existsSync(join(dir, PENDING_FILE))).toBe(false)
    expect(takePendingRuns(dir)).toEqual([])
    returnPendingRuns(dir, [{ key: 'run:2026-01-01T00:00:00.000Z:a', exitCode: 7 }])
    expect(takePendingRuns(dir)).toEqual([{ key: 'run:2026-01-01T00:00:00.000Z:a', exitCode: 7 }])
  })

  it('never reads or writes through a symlink planted under its name', () => {
    const dir = tempDir('unperf-pending-')
    const target = join(dir, 'elsewhere')
    writeFileSync(target, '{"key":"run:2026-01-01T00:00:00.000Z:a","exitCode":9}\n')
    symlinkSync(target, join(dir, PENDING_FILE))
    expect(() => notePendingRun(dir, { key: 'run:2026-01-01T00:00:00.000Z:b', exitCode: 1 })).toThrow(/ELOOP/)
    expect(takePendingRuns(dir)).toEqual([])
    expect(readFileSync(target, 'utf8')).toBe('{"key":"run:2026-01-01T00:00:00.000Z:a","exitCode":9}\n')
  })
})
