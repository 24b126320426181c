/**
 * history-summary.bin (src/runtime/report/history-summary.ts): the exit path's budgets and regression
 * verdicts from it are those of the history's tail (today's read), and a summary that is missing,
 * corrupt, stale or of another file is not trusted (one is made from the history itself), on real
 * files and with real processes appending at once.
 */
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { evaluateBudgets, historyNeeded } from '../../src/runtime/report/budgets.js'
import { appendHistory, readHistoryFile, type HistoryEntry } from '../../src/runtime/report/history.js'
import { judgeFromSummary, readSummary, SUMMARY_FILE } from '../../src/runtime/report/history-summary.js'
import { readNewestHistory } from '../../src/runtime/report/history-tail.js'
import type { PerfReport } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, run } from './_child.js'

const T0 = Date.UTC(2026, 0, 1)
const config = (dir: string, history = 100, p95?: number) => ({
  report: { dir, history },
  budgets: { commands: p95 === undefined ? {} : { build: { p95 } }, regressions: true, files: [] },
}) as unknown as ResolvedPerfConfig

const entry = (i: number, commands: { name: string; duration: number; status?: 'ok' | 'error' }[], extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  v: 1, time: new Date(T0 + i * 1000).toISOString(), runId: `run${i}`, pid: 1000 + i, name: 'acme', version: '1.0.0', env: 'test',
  commands: commands.map(c => ({ memoryPeak: 1, status: 'ok', ...c })), cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [], ...extra,
})

/** A run of `build` (and `lint`) ending at second `i`, as the exit path judges it. */
const report = (i: number, duration: number, pid = 1): PerfReport => ({
  endedAt: new Date(T0 + i * 1000).toISOString(), pid,
  commands: [{ name: 'build', duration, status: 'ok', memoryPeak: 1 }, { name: 'lint', duration: 1, status: 'ok', memoryPeak: 1 }],
  cache: { hitRate: 0, hits: 0, misses: 0, stale: 0, sets: 0, namespaces: {} },
}) as unknown as PerfReport

/** The verdicts from the history's tail (today's read) and from the summary (undefined: it was not used). */
function verdicts(cfg: ResolvedPerfConfig, r: PerfReport) {
  const need = historyNeeded(r, cfg)
  const tail = need === 'all' ? readHistoryFile(cfg).entries : readNewestHistory(cfg, need).entries
  const fromSummary = judgeFromSummary(cfg, r, need)
  return { tail: evaluateBudgets(r, cfg, tail), summary: fromSummary && evaluateBudgets(r, cfg, fromSummary.entries) }
}

/** A history of every kind of line the readers skip or judge: failed runs, other commands, garbage, a run from the future, one ending with the judged run. */
function mixedHistory(dir: string, cap = 100, base = 10): ResolvedPerfConfig {
  const cfg = config(dir, cap)
  for (let i = 0; i < 80; i++) {
    appendHistory(cfg, entry(i, i % 7 === 3 ? [{ name: 'lint', duration: 2 }] : [{ name: 'build', duration: base + (i % 5), status: i % 11 === 5 ? 'error' : 'ok' }, { name: 'lint', duration: 1 }]))
    if (i === 40) appendFileSync(join(dir, 'history.jsonl'), 'not json\n\n{"v":1,"commands":"no"}\n')
  }
  appendHistory(cfg, entry(2000, [{ name: 'build', duration: 500 }]))
  appendHistory(cfg, entry(90, [{ name: 'build', duration: 12 }], { pid: 7 }))
  return cfg
}

describe('history-summary.bin', () => {
  it('gives the verdicts the history tail gives: regressions and p95 over the history, with failed runs, garbage, runs of other commands, a future run and one ending with the judged run', () => {
    const dir = join(tempDir(), 'reports')
    const cfg = mixedHistory(dir)
    for (const [at, duration, pid] of [[90, 11, 1], [90, 40, 1], [90, 40, 7], [85, 40, 1], [3000, 40, 1], [10, 40, 1]] as const) {
      for (const c of [cfg, config(dir, 100, 12), config(dir, 30), config(dir, 30, 12)]) {
        const { tail, summary } = verdicts(c, report(at, duration, pid))
        expect(summary).toEqual(tail)
      }
    }
    // a slow run is a regression by both (the case above is not only passes)
    expect(verdicts(cfg, report(90, 40)).summary!.some(b => b.kind === 'regression' && b.status === 'fail')).toBe(true)
  })

  it('is not trusted when missing, corrupt, of another version or of another history: the verdicts are the tail\'s; the next append writes it anew', () => {
    const dir = join(tempDir(), 'reports')
    const cfg = mixedHistory(dir)
    const file = join(dir, SUMMARY_FILE)
    const good = readFileSync(file)
    const r = report(90, 40)
    const expected = verdicts(cfg, r).tail
    const broken: [string, () => void][] = [
      ['missing', () => unlinkSync(file)],
      ['empty', () => writeFileSync(file, '')],
      ['cut short', () => writeFileSync(file, good.subarray(0, good.length - 5))],
      ['zero-filled (a crash before its data reached the disk)', () => writeFileSync(file, Buffer.alloc(good.length))],
      ['of another version', () => { const b = Buffer.from(good); b.writeUInt32LE(99, 4); writeFileSync(file, b) }],
      ['with a record count past its bytes', () => { const b = Buffer.from(good); b.writeUInt32LE(b.readUInt32LE(48) + 1, 48); writeFileSync(file, b) }],
      ['a directory', () => { unlinkSync(file); mkdirSync(file) }],
    ]
    const stat = () => statSync(join(dir, 'history.jsonl'))
    for (const [what, breakIt] of broken) {
      breakIt()
      expect(readSummary(dir, stat()), what).toBeUndefined()
      const { tail, summary } = verdicts(cfg, r)
      expect(summary, what).toEqual(tail)
      expect(tail, what).toEqual(expected)
      rmSync(file, { recursive: true, force: true })
      writeFileSync(file, good)
    }
    // another history's summary (of slower runs) under this one's name
    const other = join(tempDir(), 'reports')
    mixedHistory(other, 100, 30)
    copyFileSync(join(other, SUMMARY_FILE), file)
    expect(readSummary(dir, stat())).toBeUndefined()
    expect(verdicts(cfg, r).summary).toEqual(expected)
    // the next run's append writes it anew from the history
    unlinkSync(file)
    appendHistory(cfg, entry(95, [{ name: 'build', duration: 11 }]))
    expect(readSummary(dir, stat())).toBeDefined()
    const after = verdicts(cfg, report(96, 40))
    expect(after.summary).toEqual(after.tail)
  })

  it('is not trusted once history.jsonl changed without it: appended by an older unperf, edited, cut short, rotated; the next append makes it match again', async () => {
    const dir = join(tempDir(), 'reports')
    const cfg = mixedHistory(dir)
    const history = join(dir, 'history.jsonl')
    const r = report(91, 40)
    const changes: [string, () => void][] = [
      // a slow run appended by a version that knows no summary: judged with it, as the tail is
      ['appended', () => appendFileSync(history, JSON.stringify(entry(89, [{ name: 'build', duration: 90 }])) + '\n')],
      // the same size, the same inode: a duration edited in place (a later mtime)
      ['edited in place', () => { const text = readFileSync(history, 'utf8'); writeFileSync(history, text.replace('"duration":14,', '"duration":99,')) }],
      ['cut short', () => truncateSync(history, statSync(history).size - 300)],
      ['rotated', () => { const text = readFileSync(history); unlinkSync(history); writeFileSync(history, text.subarray(text.indexOf(10, 4000) + 1)) }],
    ]
    for (const [what, change] of changes) {
      await new Promise(resolve => setTimeout(resolve, 20)) // a later mtime than the summary's write
      change()
      expect(readSummary(dir, statSync(history)), what).toBeUndefined()
      // (a file cut inside a line is judged from its tail: the summary waits for the next append to end it)
      const { tail, summary } = verdicts(cfg, r)
      expect(summary ?? tail, what).toEqual(tail)
      if (what !== 'cut short') expect(summary, what).toBeDefined()
      appendHistory(cfg, entry(91 + changes.findIndex(c => c[0] === what), [{ name: 'build', duration: 11 }]))
      expect(readSummary(dir, statSync(history)), what).toBeDefined()
      const next = verdicts(cfg, report(99, 40))
      expect(next.summary, what).toEqual(next.tail)
      expect(tail.length, what).toBeGreaterThan(0)
    }
  })

  it('is never written with report.history: 0, nor used', () => {
    const dir = join(tempDir(), 'reports')
    const cfg = config(dir, 0)
    for (let i = 0; i < 3; i++) appendHistory(cfg, entry(i, [{ name: 'build', duration: 10 }]))
    expect(() => statSync(join(dir, SUMMARY_FILE))).toThrow(/ENOENT/)
    expect(judgeFromSummary(cfg, report(5, 10), { commands: ['build'], runs: 51 })).toBeUndefined()
  })

  it('is the user\'s alone (0600), as history.jsonl', () => {
    const dir = join(tempDir(), 'reports')
    appendHistory(config(dir), entry(1, [{ name: 'build', duration: 10 }]))
    expect(statSync(join(dir, SUMMARY_FILE)).mode & 0o777).toBe(0o600)
  })

  it('8 processes appending at once (real child processes, rewrites to the cap among them): whenever it is used it gives the tail\'s verdicts, and it matches the history after', async () => {
    const dir = tempDir()
    const file = await bundle('./fixtures/appender.ts')
    const procs = Array.from({ length: 8 }, () => run(file, [dir, '40', '30']))
    await new Promise(r => setTimeout(r, 300))
    writeFileSync(join(dir, 'go'), '')
    let done = false
    const all = Promise.all(procs).finally(() => { done = true })
    const cfg = config(dir, 40)
    let compared = 0
    while (!done) {
      // judged while they append: compared when the history did not change between the two reads
      const before = statSync(join(dir, 'history.jsonl'), { throwIfNoEntry: false })
      const r = { ...report(0, 1e9), endedAt: new Date(Date.now() + 60_000).toISOString() } as PerfReport
      const { tail, summary } = verdicts(cfg, r)
      const after = statSync(join(dir, 'history.jsonl'), { throwIfNoEntry: false })
      if (summary && before && after && before.ino === after.ino && before.size === after.size && before.mtimeMs === after.mtimeMs) {
        expect(summary).toEqual(tail)
        compared++
      }
      await new Promise(r => setTimeout(r, 5))
    }
    const results = await all
    for (const r of results) expect(r.stderr).toBe('')
    expect(results.map(r => r.code)).toEqual(Array(8).fill(0))
    const end = verdicts(cfg, { ...report(0, 1e9), endedAt: new Date(Date.now() + 60_000).toISOString() } as PerfReport)
    expect(end.summary).toBeDefined()
    expect(end.summary).toEqual(end.tail)
    expect(end.tail.some(b => b.kind === 'regression' && b.status === 'fail')).toBe(true)
    if (process.env.UNPERF_SHOW_SUMMARY) console.log({ compared })
  }, 60_000)
})
