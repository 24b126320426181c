/** issue 10: tests.jsonl: JSON Lines whose torn or mixed lines are skipped, a cap, safe with parallel writers. */
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { formatHistoryLine, parseHistoryLine, testsHistoryPath, type TestRunEntry } from '../../src/vitest/history-lines.js'
import { appendTestRun, compactTestHistory } from '../../src/vitest/history-write.js'
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
    expect(readTestHistory(dir)).toEqual({ entries: [], skipped: 0, skippedLines: [] })
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

  it('writes JSON Lines: each line is the JSON of its run', () => {
    const dir = tempDir()
    appendTestRun(dir, entry(1), { cap: 10 })
    appendTestRun(dir, entry(2), { cap: 10 })
    const lines = readFileSync(testsHistoryPath(dir), 'utf8').trimEnd().split('\n')
    expect(lines.map(l => (JSON.parse(l) as TestRunEntry).id)).toEqual(['run-1', 'run-2'])
    expect(formatHistoryLine(entry(3))).toBe(`${JSON.stringify(entry(3))}\n`)
  })

  it('skips a torn line, two runs run together and garbage, keeps the rest; reads an edited line as it now is', () => {
    const dir = tempDir()
    appendTestRun(dir, entry(1), { cap: 10 })
    const file = testsHistoryPath(dir)
    const line = formatHistoryLine(entry(2))
    appendFileSync(file, line.slice(0, 40)) // torn: a writer died mid-line
    appendFileSync(file, '\n')
    appendFileSync(file, line.slice(0, 60) + formatHistoryLine(entry(4))) // another run's write landed inside this one's
    appendFileSync(file, 'not a line\n')
    appendFileSync(file, line.replace('"run-2"', '"run-X"')) // edited by hand
    appendTestRun(dir, entry(3), { cap: 10 })
    const read = readTestHistory(dir)
    expect(read.entries.map(e => e.id)).toEqual(['run-1', 'run-X', 'run-3'])
    expect(read.skipped).toBe(3)
    expect(parseHistoryLine(line.trimEnd())?.id).toBe('run-2')
  })

  it('a run appended after a torn last line (a writer killed mid-line) starts a line of its own: kept', () => {
    const dir = tempDir()
    appendTestRun(dir, entry(1), { cap: 10 })
    appendFileSync(testsHistoryPath(dir), formatHistoryLine(entry(2)).slice(0, 50)) // no newline: the file ends torn
    appendTestRun(dir, entry(3), { cap: 10 })
    appendTestRun(dir, entry(4), { cap: 10 })
    const read = readTestHistory(dir)
    expect(read.entries.map(e => e.id)).toEqual(['run-1', 'run-3', 'run-4'])
    expect(read.skipped).toBe(1)
    expect(readFileSync(testsHistoryPath(dir), 'utf8').endsWith('\n')).toBe(true)
  })

  it('reads the hashed lines of earlier versions (an edited one, its hash no longer matching, skipped); a compaction writes them plain', () => {
    const dir = tempDir()
    const hashed = (e: TestRunEntry) => {
      const json = JSON.stringify(e)
      return `${createHash('sha256').update(json).digest('hex').slice(0, 16)}\t${json}\n`
    }
    const file = testsHistoryPath(dir)
    appendTestRun(dir, entry(1), { cap: 3 })
    writeFileSync(file, [1, 2, 3, 4, 5].map(i => hashed(entry(i))).join('') + hashed(entry(6)).replace('"run-6"', '"run-X"'))
    expect(readTestHistory(dir, 3).entries.map(e => e.id)).toEqual(['run-3', 'run-4', 'run-5'])
    appendTestRun(dir, entry(7), { cap: 3 })
    expect(readFileSync(file, 'utf8')).toBe([4, 5, 7].map(i => formatHistoryLine(entry(i))).join(''))
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

  it('a compaction removes the temp file a compaction killed before its rename left (a dead pid, older than 2 s)', () => {
    const dir = tempDir()
    for (let i = 1; i <= 4; i++) appendTestRun(dir, entry(i), { cap: 10 })
    const dead = 2 ** 22 + 12_345 // above pid_max's default: no such process
    const left = `${testsHistoryPath(dir)}.${dead}.0badc0de.0.tmp`
    writeFileSync(left, 'half a compaction')
    const past = (Date.now() - 5_000) / 1000
    utimesSync(left, past, past)
    expect(compactTestHistory(dir, 2)).toBe(true)
    expect(existsSync(left)).toBe(false)
    expect(readTestHistory(dir).entries.map(e => e.id)).toEqual(['run-3', 'run-4'])
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
      contents: `import { appendTestRun } from './src/vitest/history-write.ts'
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
    // (a line appended during a rename is carried over: history-append-race.test.ts)
    const lines = readFileSync(testsHistoryPath(dir), 'utf8').trimEnd().split('\n').length
    expect(lines).toBeGreaterThanOrEqual(1)
    expect(lines).toBeLessThanOrEqual(10 + 4)
    expect(readTestHistory(dir, 5).entries.length).toBeLessThanOrEqual(5)
  })
})

describe('merging histories (one per CI shard job)', () => {
  it('adds the runs it lacks, oldest first, once', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history-merge.js')
    const base = tempDir()
    for (const n of [1, 2]) appendTestRun(base, entry(n), { cap: 10 })
    // two shard jobs restored the same base, then each recorded its own run
    const jobA = tempDir()
    const jobB = tempDir()
    for (const n of [1, 2, 4]) appendTestRun(jobA, entry(n), { cap: 10 })
    for (const n of [1, 2, 3]) appendTestRun(jobB, entry(n), { cap: 10 })
    appendFileSync(testsHistoryPath(jobB), 'torn li')
    const result = mergeTestHistory(base, [testsHistoryPath(jobA), testsHistoryPath(jobB)], { cap: 10 })
    expect(result).toEqual({ added: 2, known: 4, skipped: 1, unreadable: [] })
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-1', 'run-2', 'run-3', 'run-4'])
    expect(mergeTestHistory(base, [testsHistoryPath(jobA)], { cap: 10 }).added).toBe(0)
  })

  it('merges every readable source and reports each unreadable one (missing, a directory) by path and reason', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history-merge.js')
    const base = tempDir()
    appendTestRun(base, entry(1), { cap: 10 })
    const jobA = tempDir()
    const jobB = tempDir()
    appendTestRun(jobA, entry(2), { cap: 10 })
    appendTestRun(jobB, entry(3), { cap: 10 })
    const missing = join(tempDir(), 'gone', 'tests.jsonl')
    const aDir = join(tempDir(), 'shard-4')
    mkdirSync(aDir)
    // the unreadable ones first and in between: neither stops the files after them
    const result = mergeTestHistory(base, [missing, testsHistoryPath(jobA), aDir, testsHistoryPath(jobB)], { cap: 10 })
    expect(result).toEqual({
      added: 2, known: 0, skipped: 0,
      unreadable: [
        { file: missing, code: 'ENOENT', reason: 'no such file' },
        { file: aDir, code: 'EISDIR', reason: 'a directory, expected a tests.jsonl file' },
      ],
    })
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-1', 'run-2', 'run-3'])
  })

  it('keeps the history in run order when merged runs are older than runs it holds', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history-merge.js')
    const base = join(tempDir(), 'reports', 'tests')
    for (const n of [1, 4, 6]) appendTestRun(base, entry(n), { cap: 10 })
    // a shard job that started from an older history: its runs 2, 3 and 5 ended before run 6
    const job = tempDir()
    for (const n of [5, 2, 3]) appendTestRun(job, entry(n), { cap: 10 })
    const old = process.umask(0)
    let result
    try {
      result = mergeTestHistory(base, [testsHistoryPath(job)], { cap: 10 })
    } finally {
      process.umask(old)
    }
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5', 'run-6'])
    expect(result).toMatchObject({ added: 3, known: 0, skipped: 0 })
    // readers take the tail: the newest runs
    expect(readTestHistory(base, 2).entries.map(e => e.id)).toEqual(['run-5', 'run-6'])
    // rewritten atomically: still 0600 in a 0700 dir, no temp or lock file left
    expect(statSync(testsHistoryPath(base)).mode & 0o777).toBe(0o600)
    expect(statSync(base).mode & 0o777).toBe(0o700)
    expect(readdirSync(base)).toEqual(['tests.jsonl'])
    // once more: nothing new, nothing moves
    const bytes = readFileSync(testsHistoryPath(base))
    expect(mergeTestHistory(base, [testsHistoryPath(job)], { cap: 10 })).toMatchObject({ added: 0, known: 3 })
    expect(readFileSync(testsHistoryPath(base))).toEqual(bytes)
  })

  it('the cap keeps the newest runs, not the last merged: old runs merged into a full history do not push newer ones out', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history-merge.js')
    const cap = 2
    const base = tempDir()
    for (const n of [1, 2, 5, 6]) appendTestRun(base, entry(n), { cap }) // 2× cap: full, not yet compacted
    const job = tempDir()
    for (const n of [3, 4]) appendTestRun(job, entry(n), { cap: 10 })
    expect(mergeTestHistory(base, [testsHistoryPath(job)], { cap })).toMatchObject({ added: 2, known: 0 })
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-5', 'run-6'])
    expect(readFileSync(testsHistoryPath(base), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(2 * cap)
  })

  it('runs newer than the whole history are appended in place: the file is not rewritten', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history-merge.js')
    const base = tempDir()
    for (const n of [1, 2]) appendTestRun(base, entry(n), { cap: 10 })
    const ino = statSync(testsHistoryPath(base)).ino
    const job = tempDir()
    for (const n of [4, 3]) appendTestRun(job, entry(n), { cap: 10 })
    expect(mergeTestHistory(base, [testsHistoryPath(job)], { cap: 10 })).toMatchObject({ added: 2, known: 0 })
    expect(statSync(testsHistoryPath(base)).ino).toBe(ino)
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-1', 'run-2', 'run-3', 'run-4'])
    expect(readdirSync(base)).toEqual(['tests.jsonl'])
  })

  it('waits for the lock another process holds (compaction), takes over a stale one, and leaves none behind', async () => {
    const { mergeTestHistory } = await import('../../src/vitest/history-merge.js')
    const base = tempDir()
    for (const n of [1, 4]) appendTestRun(base, entry(n), { cap: 10 })
    const job = tempDir()
    appendTestRun(job, entry(2), { cap: 10 })
    appendTestRun(job, entry(3), { cap: 10 })
    const lock = `${testsHistoryPath(base)}.lock`
    writeFileSync(lock, '1 0\n')
    // a real process releases it 300 ms later; the merge (synchronous) waits for it
    const holder = spawn(process.execPath, ['-e', `setTimeout(() => require('node:fs').rmSync(${JSON.stringify(lock)}), 300)`], { stdio: 'ignore' })
    const exited = new Promise(resolve => holder.on('close', resolve))
    const t0 = Date.now()
    const first = mergeTestHistory(base, [testsHistoryPath(job)], { cap: 10 })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250)
    await exited
    expect(first).toMatchObject({ added: 2 })
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-1', 'run-2', 'run-3', 'run-4'])
    expect(existsSync(lock)).toBe(false)
    // a lock left by a crashed process (older than 30 s) is taken over at once
    writeFileSync(lock, '1 0\n')
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    const other = tempDir()
    appendTestRun(other, entry(0), { cap: 10 })
    expect(mergeTestHistory(base, [testsHistoryPath(other)], { cap: 10 })).toMatchObject({ added: 1 })
    expect(readTestHistory(base).entries.map(e => e.id)).toEqual(['run-0', 'run-1', 'run-2', 'run-3', 'run-4'])
    expect(existsSync(lock)).toBe(false)
  })
})
