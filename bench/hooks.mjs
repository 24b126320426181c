// Hook dispatch cost: unperf's registry vs hookable's `callHook` (awaited), with one listener and with none.
// Micro-costs of ~50 ns are below a timer's resolution, so each sample times a batch of 10 000 calls;
// variants run interleaved in random order, round after round, and the median per call is compared.
// Run: node bench/hooks.mjs   (writes bench/results/hooks.md; exits 1 when a target is missed)
import { build } from 'esbuild'
import { writeFileSync } from 'node:fs'
import { createHooks } from 'hookable'

const root = new URL('..', import.meta.url).pathname
const out = await build({ entryPoints: [`${root}src/hooks/registry.ts`], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' })
const { createHookRegistry } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`)

const BATCH = 10_000
const ROUNDS = Number(process.env.ROUNDS ?? 40)
const payload = { namespace: 'default', key: 'k' }
let sink = 0
const listener = e => { sink += e.key.length }

function variants() {
  const hookable1 = createHooks(); hookable1.hook('cache:hit', listener)
  const hookable0 = createHooks()
  const unperf1 = createHookRegistry(); unperf1.hook('cache:hit', listener)
  const unperf0 = createHookRegistry()
  return {
    'hookable callHook, 1 listener': async () => { for (let i = 0; i < BATCH; i++) await hookable1.callHook('cache:hit', payload) },
    'unperf emit, 1 listener': async () => { for (let i = 0; i < BATCH; i++) { const p = unperf1.emit('cache:hit', payload); if (p) await p } },
    'unperf callHook (awaited), 1 listener': async () => { for (let i = 0; i < BATCH; i++) await unperf1.callHook('cache:hit', payload) },
    'hookable callHook, no listener': async () => { for (let i = 0; i < BATCH; i++) await hookable0.callHook('cache:hit', payload) },
    'unperf hasListeners guard, no listener': async () => { for (let i = 0; i < BATCH; i++) { if (unperf0.hasListeners('cache:hit')) await unperf0.emit('cache:hit', payload) } },
    'unperf callHook (awaited), no listener': async () => { for (let i = 0; i < BATCH; i++) await unperf0.callHook('cache:hit', payload) },
  }
}

const tasks = variants()
const samples = Object.fromEntries(Object.keys(tasks).map(k => [k, []]))
for (const fn of Object.values(tasks)) await fn() // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(tasks).sort(() => Math.random() - 0.5)) {
    const t0 = process.hrtime.bigint()
    await tasks[name]()
    samples[name].push(Number(process.hrtime.bigint() - t0) / BATCH)
  }
}
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) }
const ns = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { median: median(v), mad: mad(v) }]))

const rows = [
  ['hook call, 1 listener (emit)', 'unperf emit, 1 listener', 'hookable callHook, 1 listener', 0.25],
  ['hook call, 1 listener (callHook)', 'unperf callHook (awaited), 1 listener', 'hookable callHook, 1 listener', 0.25],
  ['no listener (hot-path guard)', 'unperf hasListeners guard, no listener', 'hookable callHook, no listener', 1],
  ['no listener (callHook)', 'unperf callHook (awaited), no listener', 'hookable callHook, no listener', 1],
]
let failed = false
const lines = [
  '## Hooks', '',
  'Command: `node bench/hooks.mjs` (batches of 10 000 calls, variants interleaved in random order, median of ' + ROUNDS + ' rounds).', '',
  '| what | unperf ns/call | hookable ns/call | ratio | target | verdict |', '|---|---:|---:|---:|---:|---|',
]
for (const [label, ours, anchor, target] of rows) {
  const ratio = ns[ours].median / ns[anchor].median
  // a miss must exceed the noise: the ratio's upper bound with the MADs still above target
  const noisy = (ns[ours].median - ns[ours].mad) / (ns[anchor].median + ns[anchor].mad)
  const ok = ratio <= target || noisy <= target
  failed ||= !ok
  lines.push(`| ${label} | ${ns[ours].median.toFixed(1)} ± ${ns[ours].mad.toFixed(1)} | ${ns[anchor].median.toFixed(1)} ± ${ns[anchor].mad.toFixed(1)} | ${ratio.toFixed(3)}× | ≤ ${target}× | ${ok ? 'ok' : 'MISSED'} |`)
}
lines.push('', `(sink ${sink > 0 ? 'used' : 'unused'}; node ${process.version})`, '')
const text = lines.join('\n')
console.log(text)
writeFileSync(`${root}bench/results/hooks.md`, text)
process.exit(failed ? 1 : 0)
