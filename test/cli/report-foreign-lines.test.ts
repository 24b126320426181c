/**
 * history.jsonl lines unperf did not write (by hand, another tool, a fixture) whose JSON
 * and `v` still match: `unperf report`, `unperf budget` and `unperf cache stats` ended in a
 * TypeError ("Cannot read properties of null (reading 'name')"). Each such run is left out and its
 * line said on stderr with the file and line number; the real CLI (dist) as a child process.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { encodeLine, parseLines, type HistoryEntry } from '../../src/runtime/report/history.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const run = (i: number): HistoryEntry => ({
  v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), runId: `run${i}`, pid: 1000 + i, name: 'foreign-fixture', version: '1.0.0', env: 'production',
  commands: [{ name: 'build', duration: 100 + i, memoryPeak: 50e6, status: 'ok' }], cache: { hitRate: 0.5, lookups: 4 }, peakRss: 50e6, budgetsFailed: [],
})
/** A line of JSON with `v: 1`, of any shape. */
const line = (value: object): string => encodeLine(value as HistoryEntry)

it('unperf report and cache stats: the real runs, one warning a foreign line', () => {
  const dir = tempDir('unperf-report-foreign-')
  mkdirSync(join(dir, '.perf'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'foreign-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { console: false, dir: '.perf' } }))
  writeFileSync(join(dir, '.perf/history.jsonl'), [
    encodeLine(run(1)),
    line({ v: 1, commands: [null], time: '2026-01-01T00:05:00.000Z', cache: { hitRate: 0, lookups: 0 } }),
    line({ v: 1, commands: [{ name: 'build' }], time: '2026-01-01T00:06:00.000Z' }),
    line({ v: 1, commands: [] }),
    encodeLine(run(2)),
  ].join(''))
  const file = join(dir, '.perf/history.jsonl')
  const said = [
    `[unperf] ${file}:2: skipped: commands[0]: expected an object`,
    `[unperf] ${file}:3: skipped: commands[0].duration: expected a number`,
    `[unperf] ${file}:4: skipped: time: expected an ISO time string`,
  ]
  for (const args of [['report'], ['report', '--json'], ['cache', 'stats']]) {
    const r = unperf(dir, ...args)
    expect(r.stderr, args.join(' ')).not.toMatch(/TypeError|Cannot read/)
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
    for (const s of said) expect(r.stderr).toContain(s)
    expect(r.stderr.match(/: skipped: /g)).toHaveLength(3)
  }
  expect(unperf(dir, 'report', '--json').json().commands).toMatchObject([{ command: 'build', runs: 2 }])
})

it('values no run has (negative, Infinity from 1e999, a hit rate of 7, a time that is no date): left out and said, never shown or judged', () => {
  const dir = tempDir('unperf-report-foreign-')
  mkdirSync(join(dir, '.perf'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'foreign-fixture', version: '1.0.0', type: 'module' }))
  // the budget on build's p95 (over history): a line of Infinity made every later run breach it
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { console: false, dir: '.perf' }, budgets: { commands: { build: { p95: '10s' } } } }))
  const good = [1, 2, 3, 4, 5, 6].map(i => encodeLine(run(i)))
  const bad = (patch: (r: HistoryEntry) => void) => { const r = run(9); patch(r); return encodeLine(r) }
  writeFileSync(join(dir, '.perf/history.jsonl'), [
    ...good,
    encodeLine(run(7)).replace('"duration":107', '"duration":1e999'),
    bad(r => { r.commands[0]!.duration = -5 }),
    bad(r => { r.cache = { hitRate: 7, lookups: -3 } }),
    bad(r => { r.time = 'soon' }),
    bad(r => { (r as { startup?: number }).startup = -1 }),
  ].join(''))
  const file = join(dir, '.perf/history.jsonl')
  const said = [
    `[unperf] ${file}:7: skipped: commands[0].duration: expected a number of ms (≥ 0)`,
    `[unperf] ${file}:8: skipped: commands[0].duration: expected a number of ms (≥ 0)`,
    `[unperf] ${file}:9: skipped: cache: expected a hitRate from 0 to 1 and lookups ≥ 0`,
    `[unperf] ${file}:10: skipped: time: expected an ISO time string`,
    `[unperf] ${file}:11: skipped: startup: expected a number (≥ 0)`,
  ]
  for (const args of [['report'], ['cache', 'stats']]) {
    const r = unperf(dir, ...args)
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
    for (const s of said) expect(r.stderr, args.join(' ')).toContain(s)
    expect(r.stdout).not.toMatch(/e\+|Infinity|NaN| -\d/)
  }
  expect(unperf(dir, 'report', '--json').json().commands).toMatchObject([{ command: 'build', runs: 6 }])
  // the exit path's reading (p95 budgets, the regression check) leaves the Infinity and the negative duration out too
  const strict = parseLines([...good, encodeLine(run(7)).replace('"duration":107', '"duration":1e999'), bad(r => { r.commands[0]!.duration = -5 })].join(''))
  expect(strict.map(r => r.runId)).toEqual(['run1', 'run2', 'run3', 'run4', 'run5', 'run6'])
})
