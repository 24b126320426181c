/** issue 10: tests.jsonl: self-validating lines, a cap, safe with parallel writers. */
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  appendTestRun, compactTestHistory, formatHistoryLine, parseHistoryLine, readTestHistory, testsHistoryPath, type TestRunEntry,
} from '../../src/vitest/history.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, childEnv, tempProject } from './_project.js'

function entry(n: number, files = 1): TestRunEntry {
  return {
    v: 1, id: `run-${n}`, startedAt: 1000 * n, endedAt: 1000 * n + 500, duration: 500, result: 'passed',
    files: Array.from({ length: files }, (_, i) => ({
      path: `test/f${i}.test.ts`, state: 'passed' as const, duration: 10 + n, setup: 2, tests: [['a > b', 1.5, 'p', 0] as const].map(t => [...t] as TestRunEntry['files'][0]['tests'][0]),
    })),
  }
}

describe('history file', () => {
  it('round-trips entries, oldest first; a missing file is empty', () => {
    const dir = tempDir()
    expect(readTestHistory(dir)).toEqual({ entries: [], skipped: 0 })
    appendTestRun(join(dir, 'nested'), entry(1), { cap: 10 })
    appendTestRun(join(dir, 'nested'), entry(2), { cap: 10 })
    const read = readTestHistory(join(dir, 'nested'))
    expect(read.entries.map(e => e.id)).toEqual(['run-1', 'run-2'])
    expect(read.entries[0]).toEqual(entry(1))
    expect(readTestHistory(join(dir, 'nested'), 1).entries.map(e => e.id)).toEqual(['run-2'])
  })

  it('is private whatever the umask: dirs 0700, tests.jsonl 0600, also after compaction', () => {
    const dir = join(tempDir(), 'reports', 'p')
    const old = process.umask(0)
    try {
      for (let n = 1; n <= 5; n++) appendTestRun(dir, entry(n), { cap: 1 })
    } finally {
      process.umask(old)
    }
    expect(readTestHistory(dir).entries.length).toBeLessThanOrEqual(2)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, '..')).mode & 0o777).toBe(0o700)
    expect(statSync(testsHistoryPath(dir)).mode & 0o777).toBe(0o600)
  })

  it('skips a torn line, an edited line and garbage, keeps the rest', () => {
    const dir = tempDir()
    appendTestRun(dir, entry(1), { cap: 10 })
    const file = testsHistoryPath(dir)
    const line = formatHistoryLine(entry(2))
    appendFileSync(file, line.slice(0, 40)) // torn: a writer died mid-line
    appendFileSync(file, '\n')
    appendFileSync(file, line.replace('"run-2"', '"run-X"')) // edited: hash no longer matches
    appendFileSync(file, 'not a line\n')
    appendTestRun(dir, entry(3), { cap: 10 })
    const read = readTestHistory(dir)
    expect(read.entries.map(e => e.id)).toEqual(['run-1', 'run-3'])
    expect(read.skipped).toBe(3)
    expect(parseHistoryLine(line.trimEnd())?.id).toBe('run-2')
  })

  it('compacts to the cap only past 2× cap; readers see the last cap runs', () => {
    const dir = tempDir()
    const cap = 3
    for (let i = 1; i <= 6; i++) appendTestRun(dir, entry(i), { cap })
    expect(readFileSync(testsHistoryPath(dir), 'utf8').trimEnd().split('\n')).toHaveLength(6)
    appendTestRun(dir, entry(7), { cap })
    expect(readFileSync(testsHistoryPath(dir), 'utf8').trimEnd().split('\n')).toHaveLength(3)
    expect(readTestHistory(dir).entries.map(e => e.id)).toEqual(['run-5', 'run-6', 'run-7'])
  })

  it('does not compact while another process holds the lock', () => {
    const dir = tempDir()
    for (let i = 1; i <= 4; i++) appendTestRun(dir, entry(i), { cap: 10 })
    writeFileSync(`${testsHistoryPath(dir)}.lock`, `${process.pid} ${Date.now()}\n`)
    expect(compactTestHistory(dir, 2)).toBe(false)
    expect(readTestHistory(dir).entries).toHaveLength(4)
  })
})

describe('parallel writers (real processes)', () => {
  let script: string
  beforeAll(async () => {
    const project = tempProject()
    script = await bundle(join(project, 'append.mjs'), {
      contents: `import { appendTestRun } from './src/vitest/history.ts'
const [dir, id, count, cap] = process.argv.slice(2)
const files = Array.from({ length: 200 }, (_, i) => ({ path: 'test/file-' + i + '.test.ts', state: 'passed', duration: i, setup: 1,
  tests: Array.from({ length: 20 }, (_, j) => ['suite > test ' + j, j, 'p', 0]) }))
for (let i = 0; i < Number(count); i++) {
  appendTestRun(dir, { v: 1, id: id + '-' + i, startedAt: i, endedAt: i, duration: 0, result: 'passed', files }, { cap: Number(cap) })
}
`,
    })
  })

  function run(args: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, ...args], { env: childEnv(), stdio: ['ignore', 'ignore', 'inherit'] })
      child.on('error', reject)
      child.on('close', resolve)
    })
  }

  it('4 processes appending ~100 KB lines at once: every line intact', async () => {
    const dir = tempDir()
    const codes = await Promise.all([1, 2, 3, 4].map(p => run([dir, `p${p}`, '10', '1000'])))
    expect(codes).toEqual([0, 0, 0, 0])
    const read = readTestHistory(dir)
    expect(read.skipped).toBe(0)
    expect(read.entries).toHaveLength(40)
    expect(new Set(read.entries.map(e => e.id)).size).toBe(40)
  })

  it('with compaction racing the appends: no corrupt line, the cap holds', async () => {
    const dir = tempDir()
    const codes = await Promise.all([1, 2, 3, 4].map(p => run([dir, `p${p}`, '15', '5'])))
    expect(codes).toEqual([0, 0, 0, 0])
    const read = readTestHistory(dir)
    expect(read.skipped).toBe(0)
    // at most 2× cap lines, plus one per writer whose compaction found the lock taken
    // (a line appended during a rename may be dropped, never torn)
    const lines = readFileSync(testsHistoryPath(dir), 'utf8').trimEnd().split('\n').length
    expect(lines).toBeGreaterThanOrEqual(1)
    expect(lines).toBeLessThanOrEqual(10 + 4)
    expect(readTestHistory(dir, 5).entries.length).toBeLessThanOrEqual(5)
  })
})

describe('merging histories (one per CI shard job)', () => {
  it('adds the runs it lacks, oldest first, once', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history.js')
    const base = tempDir()
    for (const n of [1, 2]) appendTestRun(base, entry(n), { cap: 10 })
    // two shard jobs restored the same base, then each recorded its own run
    const jobA = tempDir()
    const jobB = tempDir()
    for (const n of [1, 2, 4]) appendTestRun(jobA, entry(n), { cap: 10 })
    for (const n of [1, 2, 3]) appendTestRun(jobB, entry(n), { cap: 10 })
    appendFileSync(testsHistoryPath(jobB), 'torn li')
    const result = mergeTestHistory(base, [testsHistoryPath(jobA), testsHistoryPath(jobB)], { cap: 10 })
    expect(result).toEqual({ added: 2, known: 4, skipped: 1 })
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-1', 'run-2', 'run-3', 'run-4'])
    expect(mergeTestHistory(base, [testsHistoryPath(jobA)], { cap: 10 }).added).toBe(0)
  })
})
