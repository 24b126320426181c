// Pool per-task overhead: unperf's pool vs p-limit 7 and p-queue 9, 100 000 trivial async tasks
// submitted at once with concurrency 8, in one run. Overhead per task = (time through the limiter −
// time of the same 100 000 bare calls) / 100 000. Variants run interleaved in random order, round after
// round; the median is compared. Also: a 2 000-node graph's scheduling overhead, 10 000 concurrent
// tasks, 1 000 concurrent tasks with hook listeners, and tinypool vs piscina for perf.workers.
// Where the time goes: the GC time inside each variant's rounds (gc performance entries), and, in a
// child process with a young generation large enough that no GC runs, the bytes each variant allocates
// per task and keeps per queued task (`--alloc`).
// Run: node --expose-gc bench/pool.mjs   (writes bench/results/pool.md; exits 1 when a target is missed)
import { calibrate, importSource } from './_harness.mjs'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { PerformanceObserver } from 'node:perf_hooks'
import pLimit from 'p-limit'
import PQueue from 'p-queue'

const { Pool, runGraph, createHookRegistry } = await importSource(`export { Pool } from './src/runtime/pool.ts'; export { runGraph } from './src/runtime/graph.ts'; export { createHookRegistry } from './src/hooks/registry.ts'`)

const N = Number(process.env.TASKS ?? 100_000)
const C = 8
const ROUNDS = Number(process.env.ROUNDS ?? 25)
const poolOptions = { concurrency: C, timeout: false, retries: 0, backoff: 100, maxBackoff: 10_000 }
let sink = 0
const task = async () => { sink++; return sink }

// Each variant submits all N tasks synchronously and returns their promises (map: its one promise).
const submit = {
  bare: () => { const ps = new Array(N); for (let i = 0; i < N; i++) ps[i] = task(); return ps },
  'p-limit 7': () => { const limit = pLimit(C); const ps = new Array(N); for (let i = 0; i < N; i++) ps[i] = limit(task); return ps },
  'p-queue 9': () => { const q = new PQueue({ concurrency: C }); const ps = new Array(N); for (let i = 0; i < N; i++) ps[i] = q.add(task); return ps },
  'unperf pool.run': () => { const pool = new Pool('bench', poolOptions, undefined); const ps = new Array(N); for (let i = 0; i < N; i++) ps[i] = pool.run(task); return ps },
  'unperf pool.map': () => [new Pool('bench', poolOptions, undefined).map(new Array(N).fill(0), task)],
}
const variants = Object.fromEntries(Object.entries(submit).map(([name, f]) => [name, () => Promise.all(f())]))
const flush = () => new Promise(resolve => setTimeout(resolve, 10)) // gc entries reach observers asynchronously

if (process.argv.includes('--alloc')) {
  // child process, young generation large enough for one round: heapUsed after − before = bytes allocated
  const gcs = []
  new PerformanceObserver(list => { gcs.push(...list.getEntries()) }).observe({ entryTypes: ['gc'] })
  const result = {}
  for (const name of Object.keys(submit)) {
    await variants[name]() // warm up
    globalThis.gc(); await flush()
    let t0 = performance.now(), h0 = process.memoryUsage().heapUsed
    await variants[name]()
    const allocated = (process.memoryUsage().heapUsed - h0) / N
    let t1 = performance.now()
    await flush()
    const clean = !gcs.some(e => e.startTime >= t0 && e.startTime <= t1)
    globalThis.gc(); await flush()
    h0 = process.memoryUsage().heapUsed
    const pending = submit[name]() // all submitted, none settled yet: what the waiting tasks keep
    globalThis.gc()
    const live = (process.memoryUsage().heapUsed - h0) / N
    await Promise.all(pending)
    result[name] = { allocated: clean ? allocated : null, live }
  }
  // the two pieces every queued run() needs: its promise with V8's resolving functions, and one .then on the task's result
  const keep = new Array(N)
  const executor = () => {}
  const onOk = () => {}, onErr = () => {}
  const resolved = Promise.resolve(1)
  const bytes = f => { globalThis.gc(); const h0 = process.memoryUsage().heapUsed; f(); return (process.memoryUsage().heapUsed - h0) / N }
  result.floor = {
    promise: bytes(() => { for (let i = 0; i < N; i++) keep[i] = new Promise(executor) }),
    then: bytes(() => { for (let i = 0; i < N; i++) resolved.then(onOk, onErr) }),
  }
  await flush()
  console.log(JSON.stringify(result))
  process.exit(0)
}

const gcEntries = []
const gcObserver = new PerformanceObserver(list => { gcEntries.push(...list.getEntries()) })
gcObserver.observe({ entryTypes: ['gc'] })
const windows = [] // [name, start, end] of every measured round, for the gc entries that fall inside
const samples = Object.fromEntries(Object.keys(variants).map(k => [k, []]))
for (const fn of Object.values(variants)) await fn() // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(variants).sort(() => Math.random() - 0.5)) {
    globalThis.gc?.()
    await flush() // the full GC's concurrent sweeping gets to finish before the clock starts, for every variant alike
    const start = performance.now()
    const t0 = process.hrtime.bigint()
    await variants[name]()
    samples[name].push(Number(process.hrtime.bigint() - t0) / N)
    windows.push([name, start, performance.now()])
  }
}
await flush()
gcObserver.disconnect()
const gcPerRound = Object.fromEntries(Object.keys(variants).map(k => [k, []]))
for (const [name, start, end] of windows) {
  const ms = gcEntries.filter(e => e.startTime >= start && e.startTime < end).reduce((sum, e) => sum + e.duration, 0)
  gcPerRound[name].push(ms * 1e6 / N)
}
const machine = calibrate()
const median = a => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1] }
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
const overhead = name => Math.max(0.001, m[name] - m.bare)
// the same ratio inside each round (the variants of a round ran back to back): its spread shows the noise
const roundRatios = (name, anchor) => samples[name].map((v, r) => (v - samples.bare[r]) / (samples[anchor][r] - samples.bare[r]))
const rows = []
let failed = false
const TARGET = 0.25
for (const name of ['unperf pool.run', 'unperf pool.map']) {
  for (const anchor of ['p-limit 7', 'p-queue 9']) {
    const ratio = overhead(name) / overhead(anchor)
    const ok = anchor === 'p-limit 7' ? ratio <= TARGET : ratio <= 1
    if (!ok) failed = true
    const perRound = roundRatios(name, anchor).sort((x, y) => x - y)
    rows.push(`| ${name} vs ${anchor} | ${overhead(name).toFixed(1)} | ${overhead(anchor).toFixed(1)} | ${ratio.toFixed(3)}× | ${median(perRound).toFixed(3)}× (${perRound[0].toFixed(2)}–${perRound.at(-1).toFixed(2)}) | ≤ ${anchor === 'p-limit 7' ? TARGET : 1}× | ${ok ? 'ok' : 'MISSED'} |`)
  }
}

// where the time goes: GC inside the rounds, and bytes per task from the --alloc child
const allocRun = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=256', '--min-semi-space-size=256', new URL(import.meta.url).pathname, '--alloc'], { env: { ...process.env, TASKS: '50000' }, encoding: 'utf8' })
const alloc = allocRun.status === 0 ? JSON.parse(allocRun.stdout.trim().split('\n').at(-1)) : undefined
const costRows = Object.keys(variants).map(name => {
  const gcNs = median(gcPerRound[name])
  const a = alloc?.[name]
  const bytes = a ? `${a.allocated === null ? 'n/a (a GC ran)' : a.allocated.toFixed(0)} | ${a.live.toFixed(0)}` : 'n/a | n/a'
  return `| ${name} | ${m[name].toFixed(1)} | ${gcNs.toFixed(1)} (${(gcNs / m[name] * 100).toFixed(0)} %) | ${bytes} |`
})

// --- one task at a time: every run() finds a free slot (the direct path: fn now, one .then)
const SEQ = 20_000
const sequential = {
  bare: async () => { for (let i = 0; i < SEQ; i++) await task() },
  'p-limit 7': async () => { const limit = pLimit(C); for (let i = 0; i < SEQ; i++) await limit(task) },
  'unperf pool.run': async () => { const pool = new Pool('seq', poolOptions, undefined); for (let i = 0; i < SEQ; i++) await pool.run(task) },
}
const seqSamples = Object.fromEntries(Object.keys(sequential).map(k => [k, []]))
for (const fn of Object.values(sequential)) await fn()
for (let round = 0; round < 9; round++) {
  for (const name of Object.keys(sequential).sort(() => Math.random() - 0.5)) {
    const t0 = process.hrtime.bigint()
    await sequential[name]()
    seqSamples[name].push(Number(process.hrtime.bigint() - t0) / SEQ)
  }
}
const seq = Object.fromEntries(Object.entries(seqSamples).map(([k, v]) => [k, median(v)]))
const seqRatio = (seq['unperf pool.run'] - seq.bare) / (seq['p-limit 7'] - seq.bare)

// --- a 2 000-node graph: scheduling overhead (trivial tasks, pool of 8) vs the same 2 000 tasks through pool.map
const NODES = 2000
function makeGraph() {
  const tasks = {}
  let seed = 42
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  for (let i = 0; i < NODES; i++) {
    const deps = []
    for (let d = 0; d < 3 && i > 0; d++) { const j = Math.floor(rand() * i); if (!deps.includes(`n${j}`)) deps.push(`n${j}`) }
    tasks[`n${i}`] = { deps, run: task }
  }
  return tasks
}
const graphSamples = []
const flatSamples = []
for (let round = 0; round < ROUNDS; round++) {
  const tasks = makeGraph()
  let t0 = performance.now()
  const result = await runGraph(tasks, new Pool('graph', poolOptions, undefined))
  graphSamples.push(performance.now() - t0)
  if (result.ran.length !== NODES) throw new Error(`graph ran ${result.ran.length} of ${NODES}`)
  t0 = performance.now()
  await new Pool('flat', poolOptions, undefined).map(new Array(NODES).fill(0), task)
  flatSamples.push(performance.now() - t0)
}
const graphMs = median(graphSamples)
const graphOk = graphMs < 50
if (!graphOk) failed = true

// --- scale checks: 10 000 concurrent async operations; 1 000 concurrent tasks with hook listeners
const scale = []
{
  const pool = new Pool('scale', { ...poolOptions, concurrency: 10_000 }, undefined)
  const t0 = performance.now()
  const values = await pool.map(Array.from({ length: 10_000 }, (_, i) => i), async i => { await new Promise(r => setImmediate(r)); return i })
  const ok = values.every((v, i) => v === i) && pool.stats().completed === 10_000
  if (!ok) failed = true
  scale.push(`| 10 000 concurrent async tasks (concurrency 10 000, each awaits setImmediate) | ${(performance.now() - t0).toFixed(1)} ms | ${ok ? 'ok: all 10 000 resolved in order' : 'FAILED'} |`)
}
{
  const hooks = createHookRegistry()
  let starts = 0, ends = 0
  hooks.hook('task:start', () => { starts++ })
  hooks.hook('task:end', async () => { await null; ends++ })
  const pool = new Pool('hooks', { ...poolOptions, concurrency: 1000 }, { hooks, config: {}, warn: () => {} })
  const t0 = performance.now()
  await pool.map(Array.from({ length: 1000 }, (_, i) => i), async i => { await new Promise(r => setImmediate(r)); return i })
  await new Promise(r => setImmediate(r))
  const ok = starts === 1000 && ends === 1000
  if (!ok) failed = true
  scale.push(`| 1 000 concurrent tasks with task:start/task:end listeners | ${(performance.now() - t0).toFixed(1)} ms | ${ok ? 'ok: 1 000 starts, 1 000 ends' : `FAILED (${starts} starts, ${ends} ends)`} |`)
}

// --- worker pool library: tinypool vs piscina, same entry, 2 threads, 400 small tasks (incl. thread start)
const workerRows = []
let workerRatio = ''
{
  const { Tinypool } = await import('tinypool')
  const { Piscina } = await import('piscina')
  const filename = new URL('./_pool-worker.mjs', import.meta.url).href
  const libs = {
    tinypool: () => new Tinypool({ filename, minThreads: 0, maxThreads: 2, idleTimeout: 200 }),
    piscina: () => new Piscina({ filename, minThreads: 0, maxThreads: 2, idleTimeout: 200 }),
  }
  const ws = { tinypool: { cold: [], warm: [] }, piscina: { cold: [], warm: [] } }
  for (let round = 0; round < 5; round++) {
    for (const name of Object.keys(libs).sort(() => Math.random() - 0.5)) {
      const pool = libs[name]()
      let t0 = performance.now()
      await pool.run(21)
      ws[name].cold.push(performance.now() - t0)
      t0 = performance.now()
      await Promise.all(Array.from({ length: 400 }, (_, i) => pool.run(i)))
      ws[name].warm.push((performance.now() - t0) / 400)
      await pool.destroy()
    }
  }
  workerRatio = (median(ws.tinypool.warm) / median(ws.piscina.warm)).toFixed(2)
  for (const name of Object.keys(libs)) workerRows.push(`| ${name} | ${median(ws[name].cold).toFixed(1)} ms | ${(median(ws[name].warm) * 1000).toFixed(0)} µs | ${(median(ws[name].warm) / median(ws.piscina.warm)).toFixed(2)}× |`)
}

function floorText() {
  const run = alloc?.['unperf pool.run'], bare = alloc?.bare, floor = alloc?.floor
  if (!run || !bare || !floor || run.allocated === null || bare.allocated === null) return 'The --alloc child gave no clean figures in this run.'
  const extra = run.allocated - bare.allocated
  const gcShare = (median(gcPerRound['unperf pool.run']) - median(gcPerRound.bare)) / overhead('unperf pool.run')
  const code = s => '`' + s + '`'
  return [
    `Where unperf's pool.run overhead goes: ${Math.max(0, gcShare * 100).toFixed(0)} % of it is GC time in this run (its GC per task minus the bare calls', over its overhead).`,
    `It allocates ${extra.toFixed(0)} B per task more than the bare calls, and that is the floor of a limiter whose run() returns a native promise before the task may start:`,
    `the promise and V8's resolving functions (${code('new Promise(executor)')}: ${floor.promise.toFixed(0)} B; only the resolve is kept while the task waits: ${run.live.toFixed(0)} B per waiting task in all, the bare calls keep ${bare.live.toFixed(0)} B per settled promise),`,
    `and one ${code('.then')} on the task's result so that the slot learns it settled (${floor.then.toFixed(0)} B: a derived promise, a reaction, a job; an ${code('await')} costs more, it allocates closures),`,
    `plus two queue slots (16 B). There is no job record, closure or AbortController per task. p-limit 7 allocates ${(alloc['p-limit 7'].allocated - bare.allocated).toFixed(0)} B per task more than the bare calls.`,
  ].join(' ')
}

const md = `## Pools

Command: \`node --expose-gc bench/pool.mjs\` (${N.toLocaleString('en')} trivial async tasks submitted at once, concurrency ${C}, variants interleaved in random order, median of ${ROUNDS} rounds; ${availableParallelism()} cores, node ${process.version}).

Per-task overhead = time through the limiter − time of the same bare calls, per task.

| what | unperf ns/task | anchor ns/task | ratio | per-round ratio: median (min–max) | target | verdict |
|---|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

The ratio is of the medians over ${ROUNDS} rounds; the per-round column divides the overheads measured in the same round (its range is the noise of this machine).${m['unperf pool.map'] <= m.bare ? ' pool.map measured at or below the bare calls (overhead shown as 0): it makes one promise for all its items where the bare calls make one each.' : ''}

#### Where the time goes

| variant | ns/task (median, bare calls included) | of which GC | bytes allocated per task | bytes kept per waiting task |
|---|---:|---:|---:|---:|
${costRows.join('\n')}

GC: the duration of the gc performance entries inside each round, median per task. Bytes: a child process (\`--alloc\`, 50 000 tasks, a 256 MB young generation so that no GC runs during a round): heap used after − before one round, and after submitting every task but before any settles (after a full GC).

${floorText()}

One task at a time (\`await pool.run(task)\` in a loop, ${SEQ.toLocaleString('en')} tasks, median of 9 interleaved rounds: every call finds a free slot, so fn runs at once and the returned promise is its result's one \`.then\`): overhead ${(seq['unperf pool.run'] - seq.bare).toFixed(1)} ns/task vs p-limit 7's ${(seq['p-limit 7'] - seq.bare).toFixed(1)} ns (${seqRatio.toFixed(3)}×).

### Graph

A random ${NODES}-node DAG (up to 3 deps each, trivial tasks, pool of ${C}): **${graphMs.toFixed(1)} ms** in all (median of ${ROUNDS}; target < 50 ms, the issue asks "well under 100 ms": ${graphOk ? 'ok' : 'MISSED'}); the same ${NODES} tasks through \`pool.map\` with no deps: ${median(flatSamples).toFixed(1)} ms (ratio ${(graphMs / median(flatSamples)).toFixed(1)}×, cycle check and dependency bookkeeping included).

### Scale

| check | time | result |
|---|---:|---|
${scale.join('\n')}

### Worker pool library (perf.workers)

Same worker entry, 2 threads, idle timeout 200 ms: first task (thread start + module load) and per task over 400 small tasks, median of 5 rounds.

| library | first task | per task | vs piscina |
|---|---:|---:|---:|
${workerRows.join('\n')}

unperf uses tinypool: it is already a dependency (piscina would add one), supports \`minThreads: 0\` with an idle timeout so idle threads exit and never keep the process alive, and it measured ${workerRatio}× piscina's per-task cost in this run.

Machine during the run: ${machine}.

(sink ${sink > 0 ? 'used' : 'unused'})
`
writeFileSync(new URL('./results/pool.md', import.meta.url), md)
console.log(md)
process.exit(failed ? 1 : 0)
