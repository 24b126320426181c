/**
 * 8 processes hammer one namespace with every operation at once (fixtures/torture-worker.mjs):
 * values of 0 B to 2 MB (Buffers, strings that look like numbers, nested JSON), maxSize small
 * enough to evict all the time, compress and integrity on; on the fs tier, and on memory + fs with
 * some processes killed (SIGKILL) at random moments and replaced. Then: no read returned a value
 * not written for its key, nothing threw, no process crashed, no corrupt entry was met (the
 * envelopes are whole), verify() finds nothing corrupt, no temp file or aside is left (a killed
 * writer's temp file once stale), prune() brings the dir within maxSize + 10 %, files are 0600 and
 * dirs 0700. Heavy variant: UNPERF_SOAK=1 (30 s instead of 4 s per run).
 */
import { spawn } from 'node:child_process'
import { lstatSync, readdirSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

const SOAK = process.env.UNPERF_SOAK === '1'
const MS = SOAK ? 30_000 : 4_000
const PROCESSES = 8
const MAX = 3_000_000
const WORKER = join(import.meta.dirname, 'fixtures/torture-worker.mjs')

let lib: string
let libDir: string
beforeAll(async () => {
  ;({ lib, libDir } = await bundleCacheLib('unperf-torture-lib-'))
}, 60_000)

interface Line { t: string; [k: string]: unknown }
interface Outcome { lines: Line[]; crashed: string[]; killed: number }

/** Runs the workers for MS; `kills`: that many are killed with SIGKILL at random moments and replaced. */
async function torture(dir: string, cwd: string, tiers: unknown, kills: number): Promise<Outcome> {
  const out: Outcome = { lines: [], crashed: [], killed: 0 }
  const started = Date.now()
  let nextId = 0
  const start = (ms: number) => {
    const id = nextId++
    const p = spawn(process.execPath, [WORKER, JSON.stringify({ lib, dir, cwd, id, ms, loops: 3, tiers, maxSize: MAX, seed: id + 1 })], { cwd: libDir })
    let buf = ''
    let err = ''
    p.stdout.on('data', d => {
      buf += d
      const parts = buf.split('\n')
      buf = parts.pop()!
      for (const l of parts) out.lines.push(JSON.parse(l) as Line)
    })
    p.stderr.on('data', d => { err += d })
    const done = new Promise<void>(resolve => p.on('close', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') out.crashed.push(`worker ${id}: exit ${code} ${signal}\n${err.slice(-2000)}`)
      resolve()
    }))
    return { p, done }
  }
  const running = Array.from({ length: PROCESSES }, () => start(MS))
  const finished: Promise<void>[] = []
  for (let k = 0; k < kills; k++) {
    await new Promise(r => setTimeout(r, 200 + Math.random() * (MS / kills)))
    const left = MS - (Date.now() - started)
    if (left < 500) break
    const i = Math.floor(Math.random() * running.length)
    running[i]!.p.kill('SIGKILL')
    out.killed++
    finished.push(running[i]!.done)
    running[i] = start(left)
  }
  await Promise.all([...finished, ...running.map(r => r.done)])
  return out
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).map(e => join(e.parentPath, e.name))
}

async function checkAfter(dir: string, cwd: string, tiers: unknown, o: Outcome, killed: boolean) {
  expect(o.crashed).toEqual([])
  expect(o.lines.filter(l => l.t === 'thrown')).toEqual([])
  expect(o.lines.filter(l => l.t === 'bad')).toEqual([])
  // no torn or foreign envelope was ever met (a corrupt entry would be a miss, but there must be none)
  expect(o.lines.filter(l => l.t === 'error')).toEqual([])
  const done = o.lines.filter(l => l.t === 'done') as unknown as { counts: { sets: number; hits: number } }[]
  expect(done.reduce((s, d) => s + d.counts.hits, 0)).toBeGreaterThan(0)
  expect(done.reduce((s, d) => s + d.counts.sets, 0)).toBeGreaterThan(0)

  const { m, cache } = buildManager({ driver: tiers as 'fs', dir, cwd, maxSize: MAX, compress: 1000, ttl: 3_600_000 })
  const ns = cache.namespace('hammer')
  expect((await ns.verify()).corrupt).toBe(0)
  const leftovers = () => walk(dir).filter(p => p.endsWith('.tmp') || p.endsWith('.aside'))
  if (killed) {
    // a killed writer's temp file stays while young (another process may be writing it), goes once stale
    const old = new Date(Date.now() - 3_600_000)
    for (const f of leftovers()) utimesSync(f, old, old)
  } else {
    expect(leftovers()).toEqual([])
  }
  await ns.prune()
  expect(leftovers()).toEqual([])
  const nsDir = walk(dir).find(p => p.endsWith('/n-hammer'))!
  const bytes = readdirSync(nsDir).filter(n => n.endsWith('.e')).reduce((s, n) => s + lstatSync(join(nsDir, n)).size, 0)
  expect(bytes).toBeLessThanOrEqual(MAX * 1.1)
  expect((await ns.info()).bytes).toBe(bytes)
  await m.close()
  const modes = walk(dir).map(p => { const st = lstatSync(p); return `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o777).toString(8)}` })
  expect(new Set(modes)).toEqual(new Set(['dir 700', 'file 600']))
}

describe(`${PROCESSES} processes × every operation on one namespace, 0 B–2 MB values, maxSize ${MAX / 1e6} MB`, () => {
  it('fs tier, a clean run: no wrong value, no error, no leftover, within maxSize after prune, modes 0600/0700', async () => {
    const dir = tempDir('unperf-torture-')
    const cwd = tempDir('unperf-torture-cwd-')
    const o = await torture(dir, cwd, 'fs', 0)
    await checkAfter(dir, cwd, 'fs', o, false)
  }, MS + 120_000)

  it('memory + fs tiers, processes killed with SIGKILL mid-run and replaced: no wrong value, verify() clean, stale temp files pruned', async () => {
    const dir = tempDir('unperf-torture-')
    const cwd = tempDir('unperf-torture-cwd-')
    const o = await torture(dir, cwd, ['memory', 'fs'], SOAK ? 40 : 6)
    expect(o.killed).toBeGreaterThan(0)
    await checkAfter(dir, cwd, ['memory', 'fs'], o, true)
  }, MS + 120_000)
})
