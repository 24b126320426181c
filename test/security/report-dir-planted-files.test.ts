/**
 * A report dir of the user's own left open (made by hand under umask 000/002) is made 0700 by the
 * run that writes it, and used from then on. Another user could have planted files in it while it
 * was open: a history.jsonl of made-up runs (which `unperf report`, `unperf budget` and the budgets'
 * p95 and regressions would trust once the dir is private, and which its owner could go on reading
 * and writing), a report.json. Those are removed when the dir is made private; the user's own stay.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { finalizeReport } from '../../src/runtime/report/finalize.js'
import { readHistory } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'
import { command, context, reportConfig, runState } from '../report/_state.js'

const PLANTED = { v: 1, time: '2026-01-01T00:00:00.000Z', runId: 'planted', pid: 1, name: 'acme', version: '1.0.0', env: 'test', startup: 1, commands: [{ name: 'build', duration: 1, memoryPeak: 1, status: 'ok' }], cache: { hitRate: 1, lookups: 1 }, peakRss: 1, budgetsFailed: [] }

describe.skipIf(process.getuid?.() !== 0)('files planted in an open report dir of the user\'s own', () => {
  it('another user\'s history.jsonl and report.json are removed when the dir is made 0700; the user\'s own notes stay', async () => {
    const base = tempDir('unperf-planted-report-')
    const dir = join(base, 'reports')
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    for (const name of ['history.jsonl', 'report.json']) {
      writeFileSync(join(dir, name), name === 'history.jsonl' ? JSON.stringify(PLANTED) + '\n' : '{}')
      chmodSync(join(dir, name), 0o666)
      chownSync(join(dir, name), 65534, 65534)
    }
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    const config = reportConfig(base)
    const ctx = context(config)
    await finalizeReport(runState(config, [command('build', 100)]), ctx)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(readHistory(config).map(e => e.runId)).not.toContain('planted')
    expect(readHistory(config)).toHaveLength(1)
    for (const name of ['history.jsonl', 'report.json']) expect(statSync(join(dir, name)).uid, name).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).commands.map((c: { name: string }) => c.name)).toEqual(['build'])
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine')
  })
})
