/** `unperf shard`'s stderr counts in words that agree with the number: `1 run of history`, not `1 runs`. */
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { appendTestRun } from '../../src/vitest/history-write.js'
import { tempDir } from '../helpers/tmp.js'
import { run } from './_entries.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')

it('says 1 run, 1 corrupt line, 1 file (and 2 runs, 2 files)', () => {
  const dir = tempDir('unperf-shard-words-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shard-words', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'test'))
  for (const f of ['a', 'b']) writeFileSync(join(dir, 'test', `${f}.test.ts`), '')
  const history = join(dir, '.unperf')
  appendTestRun(history, run({ 'test/a.test.ts': 120 }), { cap: 100 })
  appendFileSync(join(history, 'tests.jsonl'), 'not a line\n')
  const shard = () => spawnSync(process.execPath, [bin, 'shard', '--total', '2', '--index', '1', '--dir', '.unperf'], { cwd: dir, encoding: 'utf8' })
  const one = shard()
  expect(one.status, one.stderr).toBe(0)
  expect(one.stderr).toMatch(/shard 1\/2: 1 of 2 files, expected .* \(1 run of history, 1 corrupt line skipped, 1 file without history estimated at /)
  appendTestRun(history, run({ 'test/a.test.ts': 100, 'test/b.test.ts': 50 }), { cap: 100 })
  const two = shard()
  expect(two.stderr).toMatch(/\(2 runs of history, 1 corrupt line skipped\)/)
})

it('the shards\' lines stay aligned from 10 shards on (shard 9: and shard 10:)', () => {
  const dir = tempDir('unperf-shard-align-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shard-align', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'test'))
  const durations: Record<string, number> = {}
  for (let i = 1; i <= 12; i++) {
    writeFileSync(join(dir, 'test', `f${i}.test.ts`), '')
    durations[`test/f${i}.test.ts`] = 10 * i
  }
  appendTestRun(join(dir, '.unperf'), run(durations), { cap: 100 })
  const r = spawnSync(process.execPath, [bin, 'shard', '--total', '12', '--index', '10', '--dir', '.unperf'], { cwd: dir, encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  const lines = r.stderr.split('\n').filter(l => / shard \d+:/.test(l))
  expect(lines).toHaveLength(12)
  // every line's duration ends in the same column
  expect(new Set(lines.map(l => l.indexOf(' ms')))).toEqual(new Set([lines[0]!.indexOf(' ms')]))
  expect(lines[9]).toMatch(/^ {2}> shard 10: +[\d.]+ ms {2}1 file$/)
  expect(lines[0]).toMatch(/^ {4}shard 1: {2}/)
})

it('more shards than files: a run of empty shards is one line (--total 100 of 3 files printed 97 lines of 0 files)', () => {
  const dir = tempDir('unperf-shard-empty-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shard-empty', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'test'))
  for (const f of ['a', 'b', 'c']) writeFileSync(join(dir, 'test', `${f}.test.ts`), '')
  appendTestRun(join(dir, '.unperf'), run({ 'test/a.test.ts': 300, 'test/b.test.ts': 200, 'test/c.test.ts': 100 }), { cap: 100 })
  const shard = (index: number) => spawnSync(process.execPath, [bin, 'shard', '--total', '100', '--index', String(index), '--dir', '.unperf'], { cwd: dir, encoding: 'utf8' })
  const first = shard(1)
  expect(first.status, first.stderr).toBe(0)
  const plan = first.stderr.split('\n').filter(l => /shards? \d+/.test(l) && !l.startsWith('[unperf]'))
  expect(plan).toEqual([
    expect.stringMatching(/^ {2}> shard 1: +300 ms {2}1 file$/),
    expect.stringMatching(/^ {4}shard 2: +200 ms {2}1 file$/),
    expect.stringMatching(/^ {4}shard 3: +100 ms {2}1 file$/),
    '    shards 4–100: no files',
  ])
  // this shard, when empty, keeps its own line (with its '>')
  const mid = shard(50).stderr.split('\n').filter(l => /shards? \d+/.test(l) && !l.startsWith('[unperf]'))
  expect(mid.slice(3)).toEqual(['    shards 4–49: no files', expect.stringMatching(/^ {2}> shard 50: +0 ms {2}0 files$/), '    shards 51–100: no files'])
})
