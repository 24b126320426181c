/**
 * tests.jsonl: appenders take no lock, and a rewrite (compaction, or `unperf tests merge`: temp file
 * + rename, under the lock) carried over only the lines appended before its last read: a line
 * written between that read and the rename (or read half written) went with the old file. Real
 * processes: one rewriting the file in a loop (a cap no line reaches: none may go) while others
 * append; every line appended must be in the file afterwards, once.
 */
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, childEnv, tempProject } from './_project.js'

const WRITERS = 3
const RUNS = 200

describe('tests.jsonl: appends racing rewrites', () => {
  let script: string
  beforeAll(async () => {
    script = await bundle(join(tempProject(), 'history.mjs'), {
      contents: `import { existsSync, writeFileSync } from 'node:fs'
import { appendTestRun, compactTestHistory } from './src/vitest/history-write.ts'
const [dir, role, id, count] = process.argv.slice(2)
const files = [{ path: 'test/a.test.ts', state: 'passed', duration: 1, setup: 1, tests: [['a > b', 1, 'p', 0]] }]
if (role === 'append') {
  for (let i = 0; i < Number(count); i++) appendTestRun(dir, { v: 1, id: id + '-' + i, startedAt: i, endedAt: i, duration: 0, result: 'passed', files }, { cap: 1e6 })
} else {
  // rewrites until the appenders are done (the test writes 'done'), a few ms apart (as runs end: a
  // rewrite back to back would keep the lock taken for good)
  // 'started' once the first is done: the test starts the appenders then (a rewriter slow to start
  // on a loaded machine found them all finished: no rewrite raced them)
  let n = 0
  const pause = new Int32Array(new SharedArrayBuffer(4))
  while (!existsSync(dir + '/done')) { compactTestHistory(dir, 1e6); if (n++ === 0) writeFileSync(dir + '/started', ''); Atomics.wait(pause, 0, 0, 1) }
  process.stdout.write(String(n))
}
`,
    })
  })

  const run = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d })
    child.on('error', reject)
    child.on('close', code => resolve({ code, out }))
  })

  it(`${WRITERS} processes appending ${RUNS} runs each while another rewrites the file: every run kept, once`, async () => {
    const dir = tempDir()
    const seed = await run([dir, 'append', 'seed', '1'])
    expect(seed.code).toBe(0)
    const rewriter = run([dir, 'rewrite'])
    for (const until = Date.now() + 60_000; !existsSync(join(dir, 'started')) && Date.now() < until;) await new Promise(r => setTimeout(r, 5))
    const appenders = await Promise.all(Array.from({ length: WRITERS }, (_, p) => run([dir, 'append', `p${p}`, String(RUNS)])))
    writeFileSync(join(dir, 'done'), '')
    const rewrites = await rewriter
    expect([...appenders.map(a => a.code), rewrites.code]).toEqual(Array(WRITERS + 1).fill(0))
    expect(Number(rewrites.out), 'rewrites while they appended (the first was before them)').toBeGreaterThan(1)
    const read = readTestHistory(dir)
    expect(read.skipped).toBe(0)
    const ids = read.entries.map(e => e.id)
    const lost = Array.from({ length: WRITERS }, (_, p) => Array.from({ length: RUNS }, (_, i) => `p${p}-${i}`)).flat().filter(id => !ids.includes(id))
    expect(lost).toEqual([])
    expect(ids).toHaveLength(WRITERS * RUNS + 1)
  })
})
