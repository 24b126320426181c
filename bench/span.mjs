// Span overhead: `await tracer.span(name, fn)` vs `await fn()` (the bare call), sync and async fn,
// top level and nested; plus what AsyncLocalStorage would cost the host per await (why unperf's spans
// don't use it). Each sample times a batch of 10 000; variants interleaved in random order; medians.
// Run: node --expose-gc bench/span.mjs   (writes bench/results/span.md; exits 1 when a target is missed)
import { build } from 'esbuild'
import { calibrate } from './_harness.mjs'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname
const out = await build({ entryPoints: [`${root}src/runtime/span.ts`], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' })
const { createTracer } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`)


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

// AsyncLocalStorage, in a fresh process (on Node 20 the first ALS use turns on promise hooks for the
// whole process, so it can't be measured beside the variants above): awaits before any ALS, awaits
// outside als.run once an ALS has been used, awaits inside als.run. Medians of batches of 10 000.
const alsChild = `
const { AsyncLocalStorage } = require('node:async_hooks')
let sink = 0
const f = async () => { sink++ }
const batch = async () => { const t = process.hrtime.bigint(); for (let i = 0; i < 10000; i++) await f(); return Number(process.hrtime.bigint() - t) / 10000 }
const med = a => a.sort((x, y) => x - y)[a.length >> 1]
;(async () => {
  const R = ${ROUNDS}
  const before = []; for (let r = 0; r < R; r++) before.push(await batch())
  const als = new AsyncLocalStorage()
  const inside = [], outside = []
  for (let r = 0; r < R; r++) { inside.push(await als.run({ span: 'command' }, batch)); outside.push(await batch()) }
  console.log(JSON.stringify({ before: med(before), outside: med(outside), inside: med(inside) }))
})()`
const alsCost = JSON.parse(execFileSync(process.execPath, ['-e', alsChild], { encoding: 'utf8' }))
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

Spans track nesting with a stack of open spans. Had unperf wrapped each command in \`AsyncLocalStorage.run\`, every \`await\` in the host's code would pay (measured in a fresh child process, where no ALS was used before):

| what | ns/await |
|---|---:|
| host await, before any AsyncLocalStorage was used | ${alsCost.before.toFixed(1)} |
| host await outside \`als.run\`, once an AsyncLocalStorage has been used (Node 20: promise hooks stay on process-wide) | ${alsCost.outside.toFixed(1)} |
| host await inside \`als.run\` | ${alsCost.inside.toFixed(1)} |
| extra per await inside a context | ${(alsCost.inside - alsCost.before).toFixed(1)} |

So a command runs on the stack, with no AsyncLocalStorage, as long as it is the only one running (a CLI). The first
command started while another runs (a service's concurrent requests, a command awaited inside another) creates one,
and such commands each get a lane of their own: their spans name their command and nest under their own spans. From
then on the process pays the figures above; a process that never overlaps commands never does.

Machine during the run: ${machine}.

(sink ${sink > 0 ? 'used' : 'unused'})
`
writeFileSync(new URL('./results/span.md', import.meta.url), md)
console.log(md)
process.exit(failed ? 1 : 0)
