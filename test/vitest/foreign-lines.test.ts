/**
 * Lines of tests.jsonl the reporter did not write (an older or newer unperf's, a fixture written by
 * hand, a line edited after the fact) that are JSON (or hashed lines of an earlier version with a
 * valid hash) but with fields missing or of another type:
 * `unperf tests slow|flaky` and `unperf shard` ended in a TypeError ("Cannot read properties of
 * undefined (reading 'map')", "entries[i].projects?.filter is not a function"). Each such line is
 * skipped with one warning naming the file and line; the real CLI, a real history file.
 */
import { createHash } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { appendTestRun } from '../../src/vitest/history-write.js'
import { readTestHistory } from '../../src/vitest/history.js'
import { bundleCommand, runNode, tempProject } from './_project.js'
import { run } from './_entries.js'

/** A line with a valid hash, as earlier versions of the reporter wrote them, holding any JSON. */
const hashed = (value: unknown): string => {
  const json = JSON.stringify(value)
  return `${createHash('sha256').update(json).digest('hex').slice(0, 16)}\t${json}\n`
}
const good = { startedAt: 1, endedAt: 2, duration: 1, result: 'passed' }
const FOREIGN: Array<[value: unknown, problem: string]> = [
  [{ v: 1, id: 'a', ...good, files: [{ path: 'test/b.test.ts' }] }, "files[0].state: expected 'passed', 'failed' or 'skipped'"],
  [{ v: 1, id: 'b', ...good, files: [{ path: 'test/b.test.ts', state: 'passed', duration: 5, setup: 0 }] }, 'files[0].tests: expected an array'],
  [{ v: 1, id: 'c', ...good, files: [null] }, 'files[0]: expected an object'],
  [{ v: 1, id: 'd', ...good, files: [], projects: 'test/**' }, 'projects: expected an array'],
  [{ v: 1, id: 'e', files: [] }, 'startedAt: expected a number'],
  [{ v: 1, id: 'f', ...good, files: [{ path: 'test/c.test.ts', state: 'passed', duration: 4, setup: 0, tests: [['t', 1]] }] }, "files[0].tests[0]: expected [name, ms, 'p' | 'f' | 's', retries]"],
  [{ v: 2, id: 'g', ...good, files: [] }, 'v is 2: written by another version of unperf'],
  // durations no run has: a negative one (or Infinity: 1e999 in JSON) steered the shard plan and the slow list
  [{ v: 1, id: 'h', ...good, files: [{ path: 'test/c.test.ts', state: 'passed', duration: -5e6, setup: 0, tests: [] }] }, 'files[0].duration: expected a number of ms (≥ 0)'],
  [{ v: 1, id: 'i', ...good, files: [{ path: 'test/c.test.ts', state: 'passed', duration: 4, setup: 0, tests: [['t', -1, 'p', 0]] }] }, "files[0].tests[0]: expected [name, ms, 'p' | 'f' | 's', retries]"],
]

let project: string
let tests: string
let shard: string
const dir = () => join(project, '.unperf')

beforeAll(async () => {
  project = tempProject({
    'package.json': JSON.stringify({ name: 'foreign-lines', version: '1.0.0', type: 'module' }),
    'test/a.test.ts': '', 'test/b.test.ts': '', 'test/c.test.ts': '',
  })
  tests = await bundleCommand(project, 'tests')
  shard = await bundleCommand(project, 'shard')
  appendTestRun(dir(), run([{ path: 'test/a.test.ts', state: 'passed', duration: 30, setup: 1, tests: [['a', 29, 'p', 0]] }]), { cap: 100 })
  // plain JSON lines (as the reporter writes them now) and hashed ones (as earlier versions did)
  FOREIGN.forEach(([value], i) => appendFileSync(join(dir(), 'tests.jsonl'), i % 2 ? hashed(value) : `${JSON.stringify(value)}\n`))
  appendFileSync(join(dir(), 'tests.jsonl'), 'by-hand: not JSON\n')
  appendTestRun(dir(), run([{ path: 'test/b.test.ts', state: 'passed', duration: 20, setup: 1, tests: [['b', 19, 'p', 0]] }]), { cap: 100 })
}, 120_000)

/** Each foreign line said once, with its file and line number (line 1 is the first good run). */
function expectWarnings(stderr: string): void {
  const file = join(dir(), 'tests.jsonl')
  FOREIGN.forEach(([, problem], i) => expect(stderr).toContain(`[unperf] ${file}:${i + 2}: skipped: ${problem}`))
  expect(stderr).toContain(`[unperf] ${file}:${FOREIGN.length + 2}: skipped: not a line the reporter wrote`)
  expect(stderr.match(/: skipped: /g)).toHaveLength(FOREIGN.length + 1)
  expect(stderr).not.toMatch(/TypeError|Cannot read|is not a function/)
}

describe('lines the reporter did not write', () => {
  it('readTestHistory: the two real runs, and which lines were skipped and why', () => {
    const history = readTestHistory(dir())
    expect(history.entries.map(e => e.files[0]!.path)).toEqual(['test/a.test.ts', 'test/b.test.ts'])
    expect(history.skipped).toBe(FOREIGN.length + 1)
    expect(history.skippedLines.map(l => l.line)).toEqual(FOREIGN.map((_, i) => i + 2).concat(FOREIGN.length + 2))
  })

  it.each([['slow'], ['flaky']])('unperf tests %s: the real runs, one warning a skipped line', (command) => {
    const r = runNode(project, tests, [command, '--dir', dir()])
    expect(r.status, r.stderr).toBe(0)
    expectWarnings(r.stderr)
    expect(r.stdout).toContain('2 runs')
    const json = runNode(project, tests, [command, '--dir', dir(), '--json'])
    expect(json.status, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ runs: 2, skipped: FOREIGN.length + 1 })
  })

  it('unperf shard: plans from the real runs, one warning a skipped line', () => {
    const r = runNode(project, shard, ['--total', '2', '--index', '1', '--dir', dir()])
    expect(r.status, r.stderr).toBe(0)
    expectWarnings(r.stderr)
    expect(r.stderr).toContain(`(2 runs of history, ${FOREIGN.length + 1} corrupt lines skipped`)
    expect(r.stdout.trim().split(' ').sort()).toEqual(['test/a.test.ts'])
  })
})
