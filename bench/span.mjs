// Span overhead: `await tracer.span(name, fn)` vs `await fn()` (the bare call), sync and async fn,
// top level and nested; plus what AsyncLocalStorage would cost the host per await (why unperf's spans
// don't use it). Each sample times a batch of 10 000; variants interleaved in random order; medians.
// Run: node --expose-gc bench/span.mjs   (writes bench/results/span.md; exits 1 when a target is missed)
import { build } from 'esbuild'
import { AsyncLocalStorage } from 'node:async_hooks'
import { writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'

const root = new URL('..', import.meta.url).pathname
const out = await build({ entryPoints: [`${root}src/runtime/span.ts`], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' })
const { createTracer } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`)

// Machine calibration, printed with the results: on a shared, overloaded machine absolute ns are inflated.
function calibrate() {
  let s = 0
  let t = process.hrtime.bigint()
  for (let i = 0; i < 1e6; i++) s += performance.now()
  const clock = Number(process.hrtime.bigint() - t) / 1e6
  t = process.hrtime.bigint()
  for (let i = 0; i < 1e6; i++) s += i * 2
  const loop = Number(process.hrtime.bigint() - t) / 1e6
  return `performance.now() ${clock.toFixed(0)} ns/call, an empty loop iteration ${loop.toFixed(1)} ns (≈1 ns on an idle machine), load average ${loadavg().map(l => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores${s < 0 ? '' : ''}`
}

const BATCH = 10_000
const ROUNDS = Number(process.env.ROUNDS ?? 40)
let sink = 0
const syncFn = () => { sink++; return sink }
const asyncFn = async () => { sink++; return sink }

const variants = {
  'bare sync fn': async () => { for (let i = 0; i < BATCH; i++) await syncFn() },
  'span, sync fn': async () => { const t = createTracer(); for (let i = 0; i < BATCH; i++) await t.span('s', syncFn) },
  'bare async fn': async () => { for (let i = 0; i < BATCH; i++) await asyncFn() },
  'span, async fn': async () => { const t = createTracer(); for (let i = 0; i < BATCH; i++) await t.span('s', asyncFn) },
  'span nested in a span, async fn': async () => { const t = createTracer(); await t.span('outer', async () => { for (let i = 0; i < BATCH; i++) await t.span('s', asyncFn) }) },
}
// AsyncLocalStorage: the same awaits run inside als.run() (what a context around the whole command costs the host)
const als = new AsyncLocalStorage()
const awaits = async () => { for (let i = 0; i < BATCH; i++) await asyncFn() }
variants['host: 10 000 awaits, no ALS'] = awaits
variants['host: 10 000 awaits inside AsyncLocalStorage.run'] = () => als.run({ span: 'command' }, awaits)

const samples = Object.fromEntries(Object.keys(variants).map(k => [k, []]))
for (const fn of Object.values(variants)) await fn()
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(variants).sort(() => Math.random() - 0.5)) {
    globalThis.gc?.()
    const t0 = process.hrtime.bigint()
    await variants[name]()
    samples[name].push(Number(process.hrtime.bigint() - t0) / BATCH)
  }
}
const machine = calibrate()
const median = a => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1] }
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
let failed = false
const row = (what, variant, anchor, target) => {
  const over = m[variant] - m[anchor]
  const ok = over <= target
  if (!ok) failed = true
  return `| ${what} | ${m[variant].toFixed(1)} | ${m[anchor].toFixed(1)} | ${over.toFixed(1)} | ≤ ${target} | ${ok ? 'ok' : 'MISSED'} |`
}
const md = `## Spans

Command: \`node --expose-gc bench/span.mjs\` (batches of ${BATCH.toLocaleString('en')} awaited calls, variants interleaved in random order, median of ${ROUNDS} rounds; node ${process.version}).

Overhead of a span = (awaited span) − (the same fn awaited bare). Target ≤ 1 µs = 1000 ns.

| what | ns/call | bare ns/call | overhead ns | target ns | verdict |
|---|---:|---:|---:|---:|---|
${row('span around a sync fn', 'span, sync fn', 'bare sync fn', 1000)}
${row('span around an async fn', 'span, async fn', 'bare async fn', 1000)}
${row('nested span (depth 1) around an async fn', 'span nested in a span, async fn', 'bare async fn', 1000)}

### Why no AsyncLocalStorage

Spans track nesting with a stack of open spans. Had unperf wrapped each command in \`AsyncLocalStorage.run\`, every \`await\` in the host's code would pay:

| what | ns/await |
|---|---:|
| host await, no ALS | ${m['host: 10 000 awaits, no ALS'].toFixed(1)} |
| host await inside AsyncLocalStorage.run | ${m['host: 10 000 awaits inside AsyncLocalStorage.run'].toFixed(1)} |
| cost per await, on every await of the command, span or not | ${(m['host: 10 000 awaits inside AsyncLocalStorage.run'] - m['host: 10 000 awaits, no ALS']).toFixed(1)} |

Machine during the run: ${machine}.

(sink ${sink > 0 ? 'used' : 'unused'})
`
writeFileSync(new URL('./results/span.md', import.meta.url), md)
console.log(md)
process.exit(failed ? 1 : 0)
